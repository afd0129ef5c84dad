using System.Diagnostics;
using GpuGen.Models.Diffusion;

namespace GpuGen.Viewer.Diffusion;

/// <summary>
/// The sampling thread of the image-diffusion viewer: runs a reverse chain of an
/// <see cref="ImageDiffusion"/> model one step at a time, posting every state to a
/// <see cref="FrameQueue{T}"/>, and follows <see cref="ViewerControls"/> (pause, single steps,
/// restarts with a new seed or sampler, class, guidance, speed). It never waits on the display.
/// </summary>
public sealed class ImageChainWorker : IChainWorker, IDisposable
{
    private readonly ImageDiffusion model;
    private readonly ViewerControls controls;
    private readonly FrameQueue<DiffusionFrame> queue;
    private readonly ImageChainOptions options;
    private Thread? thread;
    private volatile bool stopping;
    private Exception? failure;

    public ImageChainWorker(ImageDiffusion model, ViewerControls controls, FrameQueue<DiffusionFrame> queue, ImageChainOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.N);
        this.model = model;
        this.controls = controls;
        this.queue = queue;
        this.options = options;
    }

    /// <summary>Steps taken over all chains.</summary>
    public long StepsTaken => Interlocked.Read(ref stepsTaken);

    private long stepsTaken;
    private long busyTicks;

    /// <summary>Seconds spent computing steps (throttling and pauses excluded).</summary>
    public double BusySeconds => (double)Interlocked.Read(ref busyTicks) / Stopwatch.Frequency;

    /// <summary>Chains run to x₀.</summary>
    public int ChainsFinished { get; private set; }

    public void Start()
    {
        if (thread is not null) throw new InvalidOperationException("the sampling thread is already running");
        thread = new Thread(Run) { IsBackground = true, Name = "gpugen-sampler" };
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

    /// <summary>True once the thread ended by itself (the chain finished and options say not to loop) or failed.</summary>
    public bool Finished => thread is { IsAlive: false };

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
        ImageSampling? session = null;
        int generation = -1;
        var chain = new List<float[]>();
        var labels = new List<string>();
        var keep = new HashSet<int>();
        long chainTicks = 0;
        var clock = Stopwatch.StartNew();
        double doneAt = double.NaN, nextStepAt = 0;
        ViewerState state = controls.State;
        try
        {
            while (!stopping)
            {
                state = controls.State;
                if (state.Quit) break;
                if (state.Generation != generation)
                {
                    session?.Dispose();
                    session = Begin(state);
                    generation = state.Generation;
                    chain.Clear();
                    labels.Clear();
                    keep = Snapshots(session.StepCount, options.ChainSlots);
                    chainTicks = 0;
                    doneAt = double.NaN;
                    Snapshot(session, chain, labels);
                    if (!Post(session, state, chain, labels, 0)) break;
                    continue;
                }
                if (session!.Done)
                {
                    if (double.IsNaN(doneAt))
                    {
                        doneAt = clock.Elapsed.TotalSeconds;
                        ChainsFinished++;
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
                session.Step();
                long dt = Stopwatch.GetTimestamp() - t0;
                chainTicks += dt;
                Interlocked.Add(ref busyTicks, dt);
                Interlocked.Increment(ref stepsTaken);
                if (keep.Contains(session.Index)) Snapshot(session, chain, labels);
                if (!Post(session, state, chain, labels, chainTicks)) break;
            }
        }
        finally
        {
            session?.Dispose();
        }
    }

    private ImageSampling Begin(ViewerState state)
    {
        var scheduler = model.Scheduler(state.Sampler, state.Sampler == "ddim" ? options.DdimSteps : options.DdpmSteps, options.Eta);
        if (!model.Conditional) return model.StartSampling(options.N, state.Seed, scheduler);
        int classes = model.Config.Classes;
        var labels = Enumerable.Range(0, options.N).Select(i => state.ClassIndex >= 0 ? state.ClassIndex : i % classes).ToArray();
        return model.StartSampling(options.N, state.Seed, scheduler, labels, state.Guidance);
    }

    /// <summary>Step counts after which a snapshot is kept: about <paramref name="slots"/> evenly spaced, x_T and x₀ included.</summary>
    internal static HashSet<int> Snapshots(int steps, int slots)
    {
        var keep = new HashSet<int>();
        for (int s = 1; s < slots; s++) keep.Add((int)Math.Round((double)s * steps / (slots - 1)));
        keep.Add(steps);
        keep.Remove(0);
        return keep;
    }

    private void Snapshot(ImageSampling session, List<float[]> chain, List<string> labels)
    {
        int rows = Math.Min(options.ChainRows, options.N);
        int per = checked((int)(session.X.Length / session.X.Dim(0)));
        chain.Add(session.X.ToArray().AsSpan(0, rows * per).ToArray());
        labels.Add(session.Done ? "x₀" : $"t={session.Timestep}");
    }

    private bool Post(ImageSampling session, ViewerState state, List<float[]> chain, List<string> labels, long ticks)
    {
        var shape = model.ImageShape;
        int t = session.Timestep;
        double seconds = (double)ticks / Stopwatch.Frequency;
        return queue.Post(new DiffusionFrame
        {
            X = session.X.ToArray(),
            N = options.N,
            Channels = shape[0],
            Height = shape[1],
            Width = shape[2],
            StepsDone = session.Index,
            StepCount = session.StepCount,
            Timestep = t,
            AlphaBar = t >= 0 ? model.Schedule.AlphaBars[t] : 1.0,
            Sampler = state.Sampler,
            Seed = state.Seed,
            ClassIndex = state.ClassIndex,
            Guidance = state.Guidance,
            Generation = state.Generation,
            Chain = chain.ToArray(),
            ChainLabels = labels.ToArray(),
            ChainRows = Math.Min(options.ChainRows, options.N),
            StepsPerSecond = seconds > 0 ? session.Index / seconds : 0,
        });
    }

    public void Dispose()
    {
        stopping = true;
        queue.Close();
        thread?.Join();
    }
}

/// <summary>How the sampling thread runs chains.</summary>
public sealed record ImageChainOptions
{
    /// <summary>Images per chain.</summary>
    public int N { get; init; } = 64;

    /// <summary>DDPM steps (0: all T).</summary>
    public int DdpmSteps { get; init; }

    /// <summary>DDIM steps (0: 50).</summary>
    public int DdimSteps { get; init; }

    public float Eta { get; init; }

    /// <summary>Images followed in the chain strip.</summary>
    public int ChainRows { get; init; } = 4;

    /// <summary>Snapshots in the chain strip, x_T and x₀ included.</summary>
    public int ChainSlots { get; init; } = 10;

    /// <summary>Start a new chain (next seed) after showing x₀ for <see cref="HoldSeconds"/>; false: stop.</summary>
    public bool Loop { get; init; } = true;

    public double HoldSeconds { get; init; } = 2;
}
