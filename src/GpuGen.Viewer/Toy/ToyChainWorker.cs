using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Toy;

/// <summary>
/// The sampling thread of the 2-D toy viewer: runs a reverse chain of a <see cref="ToyDiffusion"/>
/// model one step at a time with the EMA weights (as `gpugen sample` does), posting every state to
/// a <see cref="FrameQueue{T}"/>, and follows <see cref="ViewerControls"/> (pause, single steps,
/// restarts with a new seed or sampler, speed). Same seed, same points as
/// <see cref="ToyDiffusion.Sample"/> with the same scheduler. It never waits on the display.
/// </summary>
public sealed class ToyChainWorker(ToyDiffusion model, ViewerControls controls, FrameQueue<ToyFrame> queue, ToyChainOptions options)
    : SteppedWorker<ToyFrame>(controls, queue, options.Stepping())
{
    private Tensor? x;
    private IScheduler? scheduler;
    private ulong seed;

    protected override string ThreadName => "gpugen-toy-sampler";

    /// <summary>The scheduler a chain with <paramref name="sampler"/> uses: the defaults of `gpugen sample` for toys.</summary>
    public static IScheduler Scheduler(ToyDiffusion model, string sampler, int steps, float eta) => sampler switch
    {
        "ddim" => new DdimScheduler(model.Schedule, steps == 0 ? Math.Min(50, model.Schedule.Steps) : steps, eta, spacing: TimestepSpacing.Linspace),
        "ddpm" => new DdpmScheduler(model.Schedule, false, steps: steps, spacing: TimestepSpacing.Leading),
        _ => throw new ArgumentException($"unknown sampler '{sampler}' (expected ddpm or ddim)"),
    };

    protected override int Begin(ViewerState state)
    {
        scheduler = Scheduler(model, state.Sampler, state.Sampler == "ddim" ? options.DdimSteps : options.DdpmSteps, options.Eta);
        x = DiffusionSampler.Noise(model.Device, [options.N, 2], state.Seed);
        seed = state.Seed;
        return scheduler.Timesteps.Count;
    }

    protected override void Step(int index)
    {
        var ema = model.Ema;
        ema?.Swap();
        try
        {
            DiffusionSampler.Step(model.Model, scheduler!, model.Device, x!, index, seed);
        }
        finally
        {
            ema?.Swap();
        }
    }

    protected override void End()
    {
        x?.Dispose();
        x = null;
    }

    protected override ToyFrame Snapshot(int stepsDone, int stepCount, ViewerState state, double stepsPerSecond)
    {
        int t = stepsDone < stepCount ? scheduler!.Timesteps[stepsDone] : -1;
        return new ToyFrame
        {
            Points = x!.ToArray(),
            N = options.N,
            StepsDone = stepsDone,
            StepCount = stepCount,
            Timestep = t,
            AlphaBar = t >= 0 ? model.Schedule.AlphaBars[t] : 1.0,
            Sampler = state.Sampler,
            Seed = state.Seed,
            Generation = state.Generation,
            StepsPerSecond = stepsPerSecond,
        };
    }
}

/// <summary>How the toy sampling thread runs chains of points (20,000 unless told).</summary>
public sealed record ToyChainOptions : ChainOptions
{
    public ToyChainOptions() => N = 20_000;
}
