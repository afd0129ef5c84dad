namespace GpuGen.Backends.Cuda;

// CUDA graphs: the launches of a step recorded once by stream capture, then replayed with one
// cuGraphLaunch. A graph holds each kernel's arguments as they were at capture — buffer addresses
// and scalars — so a replay is only right when every launch is the same as at capture: the same
// buffers (the pool hands the same ones out again, see CudaGraph) and the same scalars (anything
// that changes from step to step must reach the kernels through device memory written before replay).
internal sealed unsafe partial class CudaDriver
{
    [ThreadStatic] private static CudaDriver? capturing;

    /// <summary>Whether the calling thread is capturing this driver's stream.</summary>
    public bool IsCapturing => ReferenceEquals(capturing, this);

    /// <summary>
    /// Records every launch <paramref name="body"/> issues on this device into a graph instead of running
    /// it. Copies to or from the host, Synchronize and event waits inside throw (they cannot be
    /// recorded); so does an allocation, which is why the step runs eagerly first, warming the pool.
    /// </summary>
    public CudaGraph Capture(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (capturing is not null) throw new InvalidOperationException("a CUDA graph capture is already running on this thread");
        MakeCurrent();
        Cu.Check(Cu.cuStreamBeginCapture(stream, Cu.CaptureModeThreadLocal), "cuStreamBeginCapture");
        capturing = this;
        nint graph = 0;
        try
        {
            body();
        }
        catch
        {
            capturing = null;
            if (Cu.cuStreamEndCapture(stream, &graph) == Cu.Success && graph != 0) Cu.cuGraphDestroy(graph);
            throw;
        }
        capturing = null;
        Cu.Check(Cu.cuStreamEndCapture(stream, &graph), "cuStreamEndCapture");
        nint exec;
        int status = Cu.cuGraphInstantiateWithFlags(&exec, graph, 0);
        if (status != Cu.Success)
        {
            Cu.cuGraphDestroy(graph);
            throw new CudaException("cuGraphInstantiateWithFlags", status);
        }
        return new CudaGraph(this, graph, exec);
    }

    /// <summary>Enqueues one replay of <paramref name="graph"/> on the stream (asynchronous, in order with other launches).</summary>
    public void Replay(CudaGraph graph)
    {
        if (!ReferenceEquals(graph.Owner, this)) throw new ArgumentException("the graph was captured on another CUDA device");
        ObjectDisposedException.ThrowIf(graph.IsDisposed, graph);
        MakeCurrent();
        Cu.Check(Cu.cuGraphLaunch(graph.Exec, stream), "cuGraphLaunch");
    }

    internal void DestroyGraph(nint graph, nint exec)
    {
        if (disposed) return;
        MakeCurrent();
        Cu.cuGraphExecDestroy(exec);
        Cu.cuGraphDestroy(graph);
    }

    private void NotCapturing(string what)
    {
        if (IsCapturing)
            throw new InvalidOperationException($"{what} cannot be recorded into a CUDA graph: do it before or after the captured step");
    }
}
