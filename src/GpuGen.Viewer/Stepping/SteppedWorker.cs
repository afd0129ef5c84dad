using System.Diagnostics;

namespace GpuGen.Viewer.Stepping;

/// <summary>
/// The sampling thread of a view whose run is a fixed number of steps (PixelCNN pixels, latent-walk
/// positions, flow layers): begins a run, takes one step at a time and posts a frame after each to a
/// <see cref="FrameQueue{T}"/>, following <see cref="ViewerControls"/> (pause, single steps, restart
/// with a new seed, speed). A finished run is held for <see cref="SteppedOptions.HoldSeconds"/> and
/// then restarted with the next seed, unless <see cref="SteppedOptions.Loop"/> is off. It never waits
/// on the display (a lossless queue, used for headless recording, makes it wait for room).
/// </summary>
public abstract class SteppedWorker<TFrame> : IChainWorker, IDisposable where TFrame : class
{
    private readonly ViewerControls controls;
    private readonly FrameQueue<TFrame> queue;
    private readonly SteppedOptions options;
    private Thread? thread;
    private volatile bool stopping;
    private Exception? failure;
    private long stepsTaken;
    private long busyTicks;

    protected SteppedWorker(ViewerControls controls, FrameQueue<TFrame> queue, SteppedOptions options)
    {
        this.controls = controls;
        this.queue = queue;
        this.options = options;
    }

    /// <summary>Steps taken over all runs.</summary>
    public long StepsTaken => Interlocked.Read(ref stepsTaken);

    /// <summary>Seconds spent computing steps (throttling and pauses excluded).</summary>
    public double BusySeconds => (double)Interlocked.Read(ref busyTicks) / Stopwatch.Frequency;

    /// <summary>Every state of the current run so far, for scrubbing (see <see cref="ChainHistory{TFrame}"/>).</summary>
    public ChainHistory<TFrame> History { get; } = new();

    /// <summary>Runs taken to their end.</summary>
    public int RunsFinished { get; private set; }

    /// <summary>True once the thread ended by itself (the run finished and options say not to loop) or failed.</summary>
    public bool Finished => thread is { IsAlive: false };

    /// <summary>The sampling thread's name.</summary>
    protected virtual string ThreadName => "gpugen-stepper";

    /// <summary>Begins a run for <paramref name="state"/> (seed, class); returns its number of steps.</summary>
    protected abstract int Begin(ViewerState state);

    /// <summary>Takes step <paramref name="index"/> (0-based) of the current run.</summary>
    protected abstract void Step(int index);

    /// <summary>The frame after <paramref name="stepsDone"/> steps; <paramref name="stepsPerSecond"/> is over this run so far.</summary>
    protected abstract TFrame Snapshot(int stepsDone, int stepCount, ViewerState state, double stepsPerSecond);

    /// <summary>Releases what the current run holds (called before the next Begin and at the end).</summary>
    protected virtual void End()
    {
    }

    public void Start()
    {
        if (thread is not null) throw new InvalidOperationException("the sampling thread is already running");
        thread = new Thread(Run) { IsBackground = true, Name = ThreadName };
        thread.Start();
    }

    /// <summary>Stops the thread and rethrows what it failed with, if anything.</summary>
    public void Stop()
    {
        stopping = true;
        queue.Close();
        thread?.Join();
        thread = null;
        if (failure is not null) throw new InvalidOperationException($"the sampling thread failed: {failure.Message}", failure);
    }

    private void Run()
    {
        try
        {
            Loop();
        }
        catch (Exception e)
        {
            failure = e;
            queue.Close();
        }
    }

    private void Loop()
    {
        int generation = -1, index = 0, count = 0;
        long runTicks = 0;
        var clock = Stopwatch.StartNew();
        double doneAt = double.NaN, nextStepAt = 0;
        try
        {
            while (!stopping)
            {
                var state = controls.State;
                if (state.Quit) break;
                if (state.Generation != generation)
                {
                    if (generation >= 0) End();
                    count = Begin(state);
                    generation = state.Generation;
                    index = 0;
                    runTicks = 0;
                    doneAt = double.NaN;
                    History.Begin();
                    if (!Post(Snapshot(0, count, state, 0))) break;
                    continue;
                }
                if (index >= count)
                {
                    if (double.IsNaN(doneAt))
                    {
                        doneAt = clock.Elapsed.TotalSeconds;
                        RunsFinished++;
                        if (!options.Loop) break;
                    }
                    if (clock.Elapsed.TotalSeconds - doneAt >= options.HoldSeconds && !state.Paused) controls.Restart();
                    else Thread.Sleep(5);
                    continue;
                }
                if (state.Paused && !controls.TryTakeStep())
                {
                    Thread.Sleep(2);
                    continue;
                }
                double cap = state.StepsPerSecondCap;
                if (!state.Paused && double.IsFinite(cap))
                {
                    double now = clock.Elapsed.TotalSeconds;
                    if (now < nextStepAt)
                    {
                        Thread.Sleep(TimeSpan.FromSeconds(Math.Min(0.005, nextStepAt - now)));
                        continue;
                    }
                    nextStepAt = Math.Max(now, nextStepAt) + 1 / cap;
                }
                long t0 = Stopwatch.GetTimestamp();
                Step(index);
                index++;
                long dt = Stopwatch.GetTimestamp() - t0;
                runTicks += dt;
                Interlocked.Add(ref busyTicks, dt);
                Interlocked.Increment(ref stepsTaken);
                double seconds = (double)runTicks / Stopwatch.Frequency;
                if (!Post(Snapshot(index, count, state, seconds > 0 ? index / seconds : 0))) break;
            }
        }
        finally
        {
            if (generation >= 0) End();
        }
    }

    /// <summary>Keeps <paramref name="frame"/> in the history and hands it to the display.</summary>
    private bool Post(TFrame frame)
    {
        History.Add(frame);
        return queue.Post(frame);
    }

    public void Dispose()
    {
        stopping = true;
        queue.Close();
        thread?.Join();
        GC.SuppressFinalize(this);
    }
}

/// <summary>How a stepped sampling thread runs.</summary>
public sealed record SteppedOptions
{
    /// <summary>Start a new run (next seed) after showing the end for <see cref="HoldSeconds"/>; false: stop.</summary>
    public bool Loop { get; init; } = true;

    public double HoldSeconds { get; init; } = 2;
}
