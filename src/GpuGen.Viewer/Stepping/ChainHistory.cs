namespace GpuGen.Viewer.Stepping;

/// <summary>
/// Every state of the current run, x_T (step 0) to the newest finished step, kept so the window can
/// scrub back and forth along the chain that has been computed. The sampling thread appends (the
/// states are the immutable snapshots it posts anyway, so keeping them copies nothing); the render
/// thread reads. A new run (new seed, sampler, class) starts a new history.
/// </summary>
public sealed class ChainHistory<TFrame> where TFrame : class
{
    private readonly object gate = new();
    private readonly List<TFrame> states = [];

    /// <summary>Bumped whenever a new run begins (an index into the old run means nothing in the new one).</summary>
    public int Run { get; private set; }

    /// <summary>States kept of the current run.</summary>
    public int Count
    {
        get
        {
            lock (gate) return states.Count;
        }
    }

    /// <summary>The state after <paramref name="index"/> steps of the current run, clamped to those kept; null before any.</summary>
    public TFrame? At(int index)
    {
        lock (gate) return states.Count == 0 ? null : states[Math.Clamp(index, 0, states.Count - 1)];
    }

    internal void Begin()
    {
        lock (gate)
        {
            states.Clear();
            Run++;
        }
    }

    internal void Add(TFrame state)
    {
        lock (gate) states.Add(state);
    }
}
