namespace GpuGen.Backends.Cuda;

// CUDA graphs. A captured graph holds each kernel's arguments as they were at capture — buffer
// addresses and scalars. Two things keep replays right step after step:
// - Addresses: the pool (Tensors.BufferPool) is deterministic, so once a step has run, the same step
//   rents the same buffers in the same order and its launches see the same addresses.
// - Scalars that change every step (Philox offsets, timesteps' coefficients, Adam's bias corrections)
//   are updated in place: a graphed step runs its host code again each time with the driver in
//   "update" mode, where a launch is not issued but compared with the launch captured at the same
//   position, and only the nodes whose arguments differ get cuGraphExecKernelNodeSetParams; then the
//   graph is launched once. Host writes inside the step run eagerly before that launch; a read
//   cannot (the step's results do not exist yet) and is refused.
internal sealed unsafe partial class CudaDriver
{
    private enum GraphMode
    {
        Eager,
        Capturing,
        Updating,
    }

    private GraphMode mode;
    private List<CapturedLaunch>? recording;
    private CudaGraph? updating;
    private int updateIndex;

    /// <summary>Whether the stream is being captured or a graph updated (host reads and waits are refused).</summary>
    public bool IsCapturing => mode != GraphMode.Eager;

    /// <summary>
    /// Records every launch <paramref name="body"/> issues into a graph instead of running it (the
    /// graph has not run when this returns). Host writes inside go to the device at once, outside
    /// the graph; reads, Synchronize and event waits throw. Kernels must already be compiled and,
    /// for a stable graph, the pool warm: run the body eagerly once first.
    /// </summary>
    public CudaGraph Capture(Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (mode != GraphMode.Eager) throw new InvalidOperationException("a CUDA graph capture or update is already running on this device");
        MakeCurrent();
        // Writes during the capture land at once: nothing issued before may still be using their buffers.
        Cu.Check(Cu.cuStreamSynchronize(stream), "cuStreamSynchronize (before capture)");
        Cu.Check(Cu.cuStreamBeginCapture(stream, Cu.CaptureModeRelaxed), "cuStreamBeginCapture");
        mode = GraphMode.Capturing;
        recording = [];
        nint graph = 0;
        try
        {
            body();
        }
        catch
        {
            mode = GraphMode.Eager;
            recording = null;
            if (Cu.cuStreamEndCapture(stream, &graph) == Cu.Success && graph != 0) Cu.cuGraphDestroy(graph);
            throw;
        }
        mode = GraphMode.Eager;
        var launches = recording;
        recording = null;
        Cu.Check(Cu.cuStreamEndCapture(stream, &graph), "cuStreamEndCapture");
        nint exec;
        int status = Cu.cuGraphInstantiateWithFlags(&exec, graph, 0);
        if (status != Cu.Success)
        {
            Cu.cuGraphDestroy(graph);
            throw new CudaException("cuGraphInstantiateWithFlags", status);
        }
        var result = new CudaGraph(this, graph, exec, launches);
        result.Nodes = KernelNodesInOrder(graph, launches.Count);
        return result;
    }

    /// <summary>Enqueues one replay of <paramref name="graph"/> on the stream (asynchronous, in order with other launches).</summary>
    public void Replay(CudaGraph graph)
    {
        Mine(graph);
        MakeCurrent();
        Cu.Check(Cu.cuGraphLaunch(graph.Exec, stream), "cuGraphLaunch");
    }

    /// <summary>
    /// Runs <paramref name="body"/>'s host code against <paramref name="graph"/>: each launch updates
    /// the graph node captured at its position when its arguments differ, then the graph is launched.
    /// Returns how many nodes were updated. Throws when the body issues other kernels or grids than
    /// at capture (the graph no longer describes the step: capture it again).
    /// </summary>
    public int ReplayUpdated(CudaGraph graph, Action body)
    {
        Mine(graph);
        if (mode != GraphMode.Eager) throw new InvalidOperationException("a CUDA graph capture or update is already running on this device");
        MakeCurrent();
        mode = GraphMode.Updating;
        updating = graph;
        updateIndex = 0;
        graph.Updated = 0;
        try
        {
            body();
            if (updateIndex != graph.Launches.Count)
                throw new InvalidOperationException($"the step issued {updateIndex} launches; its graph was captured with {graph.Launches.Count}: capture it again");
        }
        finally
        {
            mode = GraphMode.Eager;
            updating = null;
        }
        Cu.Check(Cu.cuGraphLaunch(graph.Exec, stream), "cuGraphLaunch");
        return graph.Updated;
    }

    internal void DestroyGraph(nint graph, nint exec)
    {
        if (disposed) return;
        MakeCurrent();
        Cu.cuGraphExecDestroy(exec);
        Cu.cuGraphDestroy(graph);
    }

    /// <summary>A launch while capturing (recorded, then issued into the capture) or updating (compared, maybe set); false when eager.</summary>
    private bool GraphLaunch(CudaKernel kernel, uint* dims, ulong* words, int count, void** pointers)
    {
        if (mode == GraphMode.Eager) return false;
        var launch = new CapturedLaunch(kernel.Name, kernel.Function,
            [dims[0], dims[1], dims[2], dims[3], dims[4], dims[5]],
            new ReadOnlySpan<ulong>(words, count).ToArray());
        if (mode == GraphMode.Capturing)
        {
            recording!.Add(launch);
            return false; // issue it: the stream is capturing
        }
        var graph = updating!;
        if (updateIndex >= graph.Launches.Count)
            throw new InvalidOperationException($"the step issued more launches than its graph holds ({graph.Launches.Count}): capture it again");
        var was = graph.Launches[updateIndex];
        if (was.Function != launch.Function || !was.Dims.AsSpan().SequenceEqual(launch.Dims))
            throw new InvalidOperationException(
                $"launch {updateIndex} of the step is {launch.Name} {string.Join('×', launch.Dims)}; the graph captured {was.Name} {string.Join('×', was.Dims)} there: capture it again");
        if (!was.Words.AsSpan().SequenceEqual(launch.Words))
        {
            var p = new Cu.KernelNodeParams
            {
                Function = launch.Function,
                GridX = dims[0], GridY = dims[1], GridZ = dims[2], BlockX = dims[3], BlockY = dims[4], BlockZ = dims[5],
                SharedBytes = 0, Parameters = pointers, Extra = null,
            };
            Cu.Check(Cu.cuGraphExecKernelNodeSetParams(graph.Exec, graph.Nodes[updateIndex], &p), $"cuGraphExecKernelNodeSetParams ({launch.Name})");
            graph.Launches[updateIndex] = launch;
            graph.Updated++;
        }
        updateIndex++;
        return true;
    }

    /// <summary>The graph's kernel nodes in capture order: one stream's capture is a chain from a single root.</summary>
    private static nint[] KernelNodesInOrder(nint graph, int expected)
    {
        var nodes = new List<nint>(expected);
        nuint count = 1;
        nint node;
        Cu.Check(Cu.cuGraphGetRootNodes(graph, &node, &count), "cuGraphGetRootNodes");
        if (expected == 0) return [];
        if (count != 1) throw new CudaException($"a captured step should be a chain of kernels, but its graph has {count} roots");
        while (true)
        {
            int type;
            Cu.Check(Cu.cuGraphNodeGetType(node, &type), "cuGraphNodeGetType");
            if (type == Cu.GraphNodeTypeKernel) nodes.Add(node);
            nuint next = 0;
            Cu.Check(Cu.cuGraphNodeGetDependentNodes(node, null, &next), "cuGraphNodeGetDependentNodes");
            if (next == 0) break;
            if (next > 1) throw new CudaException($"a captured step should be a chain of kernels, but a node has {next} dependents");
            nint following;
            next = 1;
            Cu.Check(Cu.cuGraphNodeGetDependentNodes(node, &following, &next), "cuGraphNodeGetDependentNodes");
            node = following;
        }
        if (nodes.Count != expected) throw new CudaException($"the captured graph holds {nodes.Count} kernels for {expected} launches");
        return [.. nodes];
    }

    private void Mine(CudaGraph graph)
    {
        if (!ReferenceEquals(graph.Owner, this)) throw new ArgumentException("the graph was captured on another CUDA device");
        ObjectDisposedException.ThrowIf(graph.IsDisposed, graph);
    }

    private void NotCapturing(string what)
    {
        if (mode != GraphMode.Eager)
            throw new InvalidOperationException($"{what} cannot be part of a CUDA graph: do it before or after the graphed step");
    }
}

/// <summary>One launch as captured: kernel, grid (blocks xyz, threads xyz) and argument words.</summary>
internal sealed record CapturedLaunch(string Name, nint Function, uint[] Dims, ulong[] Words);
