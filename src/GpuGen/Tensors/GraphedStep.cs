using GpuGen.Backends.Cuda;

namespace GpuGen.Tensors;

/// <summary>
/// Runs one step (a training step, a denoising step) again and again, on CUDA as a graph: the
/// first <c>warmup</c> runs of each kind are eager (kernels compile, the pool fills), the next is
/// captured and launched, and every later run replays the graph after updating the nodes whose
/// arguments changed (see CudaDriver.Graphs: per-step scalars such as Philox offsets and Adam's bias
/// corrections). A step must issue the same kernels with the same grids every time it runs under
/// one <c>kind</c> (e.g. "adds noise" and "last step" are two kinds of denoising step), must not read
/// from the device, and its results are ready after the device's next synchronization. On any other
/// device every run is simply eager, so callers need no second code path.
/// </summary>
public sealed class GraphedStep : IDisposable
{
    private readonly Device device;
    private readonly CudaBackend? cuda;
    private readonly int warmup;
    private readonly Dictionary<object, (int Runs, CudaGraph? Graph)> kinds = [];

    public GraphedStep(Device device, int warmup = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        this.device = device;
        cuda = device.Backend as CudaBackend;
        this.warmup = Math.Max(1, warmup);
    }

    /// <summary>Whether runs after the warm-up go through a CUDA graph.</summary>
    public bool IsGraphed => cuda is not null;

    /// <summary>Kernels in the graphs (0 before the first capture or off CUDA).</summary>
    public int KernelCount => kinds.Values.Sum(k => k.Graph?.KernelCount ?? 0);

    /// <summary>Graph nodes the last run updated.</summary>
    public int LastUpdated { get; private set; }

    /// <summary>Runs <paramref name="step"/> (eagerly, captured, or as an updated replay of the graph of its <paramref name="kind"/>).</summary>
    public void Run(Action step, object? kind = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        kind ??= "";
        var (runs, graph) = kinds.GetValueOrDefault(kind);
        runs++;
        LastUpdated = 0;
        if (cuda is null || runs <= warmup) step();
        else if (graph is null)
        {
            graph = cuda.Capture(step);
            cuda.Replay(graph);
        }
        else LastUpdated = cuda.Driver.ReplayUpdated(graph, step);
        kinds[kind] = (runs, graph);
    }

    public void Dispose()
    {
        if (kinds.Values.Any(k => k.Graph is not null)) device.Synchronize();
        foreach (var (_, graph) in kinds.Values) graph?.Dispose();
        kinds.Clear();
    }
}
