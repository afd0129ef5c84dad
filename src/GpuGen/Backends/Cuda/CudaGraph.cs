namespace GpuGen.Backends.Cuda;

/// <summary>
/// An instantiated CUDA graph (CUgraph + CUgraphExec) from <see cref="CudaBackend.Capture"/>.
/// Its kernels read and write the device addresses they had at capture. A training or sampling step
/// can still be captured once and replayed because <see cref="Tensors.BufferPool"/> is
/// deterministic: once a step has run eagerly, every buffer it rents comes from the pool's free
/// lists, popped in the same order and returned in the same order at the end of the step, so each
/// replay finds its intermediates at the captured addresses. Parameters and optimizer state live
/// outside the step and never move.
/// </summary>
public sealed class CudaGraph : IDisposable
{
    private readonly nint graph;

    internal CudaGraph(CudaDriver owner, nint graph, nint exec, List<CapturedLaunch> launches)
    {
        Owner = owner;
        this.graph = graph;
        Exec = exec;
        Launches = launches;
    }

    internal CudaDriver Owner { get; }

    internal nint Exec { get; }

    /// <summary>The launches as the graph holds them now, in capture order.</summary>
    internal List<CapturedLaunch> Launches { get; }

    /// <summary>The kernel node of each launch.</summary>
    internal nint[] Nodes { get; set; } = [];

    /// <summary>Kernel launches in the graph.</summary>
    public int KernelCount => Launches.Count;

    /// <summary>Nodes whose arguments the last updated replay changed.</summary>
    public int Updated { get; internal set; }

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Owner.DestroyGraph(graph, Exec);
    }
}
