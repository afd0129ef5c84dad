using System.Diagnostics;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;

namespace GpuGen.Viewer.Toy;

/// <summary>
/// The sampling thread of the 2-D toy viewer: runs a reverse chain of a <see cref="ToyDiffusion"/>
/// model one step at a time with the EMA weights (as `gpugen sample` does), posting every state to
/// a <see cref="FrameQueue{T}"/>, and follows <see cref="ViewerControls"/> (pause, single steps,
/// restarts with a new seed or sampler, speed). Same seed, same points as
/// <see cref="ToyDiffusion.Sample"/> with the same scheduler. It never waits on the display.
/// </summary>
public sealed class ToyChainWorker : IChainWorker, IDisposable
{
    private readonly ToyDiffusion model;
    private readonly ViewerControls controls;
    private readonly FrameQueue<ToyFrame> queue;
    private readonly ToyChainOptions options;
    private Thread? thread;
    private volatile bool stopping;
    private Exception? failure;
    private long stepsTaken;
    private long busyTicks;

    public ToyChainWorker(ToyDiffusion model, ViewerControls controls, FrameQueue<ToyFrame> queue, ToyChainOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.N);
        this.model = model;
        this.controls = controls;
        this.queue = queue;
        this.options = options;
    }

    /// <summary>Steps taken over all chains.</summary>
    public long StepsTaken => Interlocked.Read(ref stepsTaken);

    /// <summary>Seconds spent computing steps (throttling and pauses excluded).</summary>
    public double BusySeconds => (double)Interlocked.Read(ref busyTicks) / Stopwatch.Frequency;

    /// <summary>Chains run to x₀.</summary>
    public int ChainsFinished { get; private set; }

    /// <summary>True once the thread ended by itself (the chain finished and options say not to loop) or failed.</summary>
    public bool Finished => thread is { IsAlive: false };

    /// <summary>The scheduler a chain with <paramref name="sampler"/> uses: the defaults of `gpugen sample` for toys.</summary>
    public static IScheduler Scheduler(ToyDiffusion model, string sampler, int steps, float eta) => sampler switch
    {
        "ddim" => new DdimScheduler(model.Schedule, steps == 0 ? Math.Min(50, model.Schedule.Steps) : steps, eta, spacing: TimestepSpacing.Linspace),
        "ddpm" => new DdpmScheduler(model.Schedule, false, steps: steps, spacing: TimestepSpacing.Leading),
        _ => throw new ArgumentException($"unknown sampler '{sampler}' (expected ddpm or ddim)"),
    };

    public void Start()
    {
        if (thread is not null) throw new InvalidOperationException("the sampling thread is already running");
        thread = new Thread(Run) { IsBackground = true, Name = "gpugen-toy-sampler" };
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
        Tensor? x = null;
        IScheduler? scheduler = null;
        int generation = -1, index = 0;
        long chainTicks = 0;
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
                    x?.Dispose();
                    scheduler = Scheduler(model, state.Sampler, state.Sampler == "ddim" ? options.DdimSteps : options.DdpmSteps, options.Eta);
                    x = DiffusionSampler.Noise(model.Device, [options.N, 2], state.Seed);
                    generation = state.Generation;
                    index = 0;
                    chainTicks = 0;
                    doneAt = double.NaN;
                    if (!Post(x, scheduler, index, state, 0)) break;
                    continue;
                }
                int count = scheduler!.Timesteps.Count;
                if (index >= count)
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
                var ema = model.Ema;
                ema?.Swap();
                try
                {
                    DiffusionSampler.Step(model.Model, scheduler, model.Device, x!, index, state.Seed);
                }
                finally
                {
                    ema?.Swap();
                }
                index++;
                long dt = Stopwatch.GetTimestamp() - t0;
                chainTicks += dt;
                Interlocked.Add(ref busyTicks, dt);
                Interlocked.Increment(ref stepsTaken);
                if (!Post(x!, scheduler, index, state, chainTicks)) break;
            }
        }
        finally
        {
            x?.Dispose();
        }
    }

    private bool Post(Tensor x, IScheduler scheduler, int index, ViewerState state, long ticks)
    {
        int count = scheduler.Timesteps.Count;
        int t = index < count ? scheduler.Timesteps[index] : -1;
        double seconds = (double)ticks / Stopwatch.Frequency;
        return queue.Post(new ToyFrame
        {
            Points = x.ToArray(),
            N = options.N,
            StepsDone = index,
            StepCount = count,
            Timestep = t,
            AlphaBar = t >= 0 ? model.Schedule.AlphaBars[t] : 1.0,
            Sampler = state.Sampler,
            Seed = state.Seed,
            Generation = state.Generation,
            StepsPerSecond = seconds > 0 ? index / seconds : 0,
        });
    }

    public void Dispose()
    {
        stopping = true;
        queue.Close();
        thread?.Join();
    }
}

/// <summary>How the toy sampling thread runs chains.</summary>
public sealed record ToyChainOptions
{
    /// <summary>Points per chain.</summary>
    public int N { get; init; } = 20_000;

    /// <summary>DDPM steps (0: all T).</summary>
    public int DdpmSteps { get; init; }

    /// <summary>DDIM steps (0: 50).</summary>
    public int DdimSteps { get; init; }

    public float Eta { get; init; }

    /// <summary>Start a new chain (next seed) after showing x₀ for <see cref="HoldSeconds"/>; false: stop.</summary>
    public bool Loop { get; init; } = true;

    public double HoldSeconds { get; init; } = 2;
}
