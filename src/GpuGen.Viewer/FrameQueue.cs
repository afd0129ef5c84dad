namespace GpuGen.Viewer;

/// <summary>
/// A bounded hand-over from a producer thread (the sampler) to the render thread. Frames are whole,
/// immutable objects, so the display never sees a half-written batch. By default the newest frame
/// wins: a full queue drops its oldest frame, so the producer never waits on the display. In
/// lossless mode (headless recording) the producer waits for room instead, so no frame is skipped.
/// </summary>
public sealed class FrameQueue<T> where T : class
{
    private readonly Queue<T> items = new();
    private readonly object gate = new();
    private bool closed;

    public FrameQueue(int capacity = 2, bool lossless = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        Lossless = lossless;
    }

    public int Capacity { get; }

    public bool Lossless { get; }

    /// <summary>Frames posted so far.</summary>
    public long Posted { get; private set; }

    /// <summary>Frames dropped because newer ones came before the consumer looked.</summary>
    public long Dropped { get; private set; }

    /// <summary>Frames waiting now.</summary>
    public int Count
    {
        get
        {
            lock (gate) return items.Count;
        }
    }

    /// <summary>Hands over a frame; returns false once the queue is closed.</summary>
    public bool Post(T frame)
    {
        lock (gate)
        {
            while (Lossless && items.Count >= Capacity && !closed) Monitor.Wait(gate);
            if (closed) return false;
            if (items.Count >= Capacity)
            {
                items.Dequeue();
                Dropped++;
            }
            items.Enqueue(frame);
            Posted++;
            Monitor.PulseAll(gate);
            return true;
        }
    }

    /// <summary>
    /// The newest frame (older ones waiting are dropped), or the oldest in lossless mode; false when
    /// none is waiting.
    /// </summary>
    public bool TryTake(out T frame)
    {
        lock (gate)
        {
            if (items.Count == 0)
            {
                frame = null!;
                return false;
            }
            if (Lossless)
            {
                frame = items.Dequeue();
            }
            else
            {
                while (items.Count > 1)
                {
                    items.Dequeue();
                    Dropped++;
                }
                frame = items.Dequeue();
            }
            Monitor.PulseAll(gate);
            return true;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a frame.</summary>
    public bool TryTake(out T frame, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (gate)
        {
            while (items.Count == 0 && !closed)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(gate, left)) break;
            }
        }
        return TryTake(out frame);
    }

    /// <summary>Wakes and refuses producers from now on (the window closed).</summary>
    public void Close()
    {
        lock (gate)
        {
            closed = true;
            Monitor.PulseAll(gate);
        }
    }
}
