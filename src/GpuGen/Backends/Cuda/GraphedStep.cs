using GpuGen.Tensors;

namespace GpuGen.Backends.Cuda;

/// <summary>
/// Runs one step (a training step, a denoising step) again and again, on CUDA as a graph: the
/// first <c>warmup</c> runs are eager (kernels compile, the pool fills), the next is captured and
/// launched, and every later run replays the graph after updating the nodes whose arguments changed
/// (see CudaDriver.Graphs: per-step scalars such as Philox offsets and Adam's bias corrections).
/// The step must issue the same kernels with the same grids every time, must not read from the
/// device, and its results are ready after the device's next synchronization. On any other device
/// every run is simply eager, so callers need no second code path.
/// </summary>
public sealed class GraphedStep : IDisposable
{
    private readonly Device device;
    private readonly CudaBackend? cuda;
    private readonly int warmup;
    private CudaGraph? graph;
    private int runs;

    public GraphedStep(Device device, int warmup = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        this.device = device;
        cuda = device.Backend as CudaBackend;
        this.warmup = Math.Max(1, warmup);
    }

    /// <summary>Whether runs after the warm-up go through a CUDA graph.</summary>
    public bool IsGraphed => cuda is not null;

    /// <summary>Kernels in the graph (0 before capture or off CUDA).</summary>
    public int KernelCount => graph?.KernelCount ?? 0;

    /// <summary>Graph nodes the last run updated.</summary>
    public int LastUpdated { get; private set; }

    public void Run(Action step)
    {
        ArgumentNullException.ThrowIfNull(step);
        runs++;
        if (cuda is null || runs <= warmup)
        {
            step();
            return;
        }
        if (graph is null)
        {
            graph = cuda.Capture(step);
            cuda.Replay(graph);
            LastUpdated = 0;
            return;
        }
        LastUpdated = cuda.Driver.ReplayUpdated(graph, step);
    }

    public void Dispose()
    {
        if (graph is not null) device.Synchronize();
        graph?.Dispose();
        graph = null;
    }
}
