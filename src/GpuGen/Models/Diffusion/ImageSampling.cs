using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// One reverse chain of an <see cref="ImageDiffusion"/> model in progress: <see cref="X"/> holds the
/// current state [n, C, H, W] (x_T before the first step, x₀ after the last); <see cref="Step"/>
/// advances it by one scheduler step. Same seed, same images, whatever the pace of the calls.
/// </summary>
public sealed class ImageSampling : IDisposable
{
    private readonly ImageDiffusion model;
    private readonly ClassGuidance? guidance;
    private readonly Ema? ema;

    internal ImageSampling(ImageDiffusion model, IScheduler scheduler, int n, ulong seed, ClassGuidance? guidance, Ema? ema)
    {
        this.model = model;
        this.guidance = guidance;
        this.ema = ema;
        Scheduler = scheduler;
        Seed = seed;
        X = DiffusionSampler.Noise(model.Device, [n, .. model.ImageShape], seed);
    }

    public IScheduler Scheduler { get; }

    public ulong Seed { get; }

    /// <summary>The current state of the chain (owned by the session; copy it out with ToArray).</summary>
    public Tensor X { get; }

    /// <summary>Index of the next step (0 … Scheduler.Timesteps.Count).</summary>
    public int Index { get; private set; }

    public int StepCount => Scheduler.Timesteps.Count;

    public bool Done => Index >= StepCount;

    /// <summary>Timestep the next step starts from (−1 when done).</summary>
    public int Timestep => Done ? -1 : Scheduler.Timesteps[Index];

    /// <summary>Takes one step; the observer sees x_prev and x̂₀ of it. Returns false when the chain was already done.</summary>
    public bool Step(DiffusionSampler.StepObserver? observer = null)
    {
        if (Done) return false;
        ema?.Swap();
        try
        {
            if (guidance is null) DiffusionSampler.Step(model.Denoiser, Scheduler, model.Device, X, Index, Seed, observer);
            else DiffusionSampler.Step(Scheduler, model.Device, X, Index, Seed, guidance, observer);
        }
        finally
        {
            ema?.Swap();
        }
        Index++;
        return true;
    }

    /// <summary>Runs the remaining steps.</summary>
    public void Run(DiffusionSampler.StepObserver? observer = null)
    {
        if (Done) return;
        // Swap the averaged weights in once for the whole run rather than twice per step.
        ema?.Swap();
        try
        {
            while (!Done)
            {
                if (guidance is null) DiffusionSampler.Step(model.Denoiser, Scheduler, model.Device, X, Index, Seed, observer);
                else DiffusionSampler.Step(Scheduler, model.Device, X, Index, Seed, guidance, observer);
                Index++;
            }
        }
        finally
        {
            ema?.Swap();
        }
    }

    public void Dispose()
    {
        X.Dispose();
        guidance?.Dispose();
    }
}
