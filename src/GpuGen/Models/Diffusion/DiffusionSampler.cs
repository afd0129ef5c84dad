using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Runs a scheduler's reverse chain with a denoiser: x_T ~ N(0, I), then one
/// <see cref="Autograd.Ops.DiffusionStep"/> per visited timestep. Noise comes from Philox
/// streams of the seed (stream 0 for x_T, stream i + 1 for the z of step i), so the same seed gives
/// the same samples on every backend. A caller that wants to show the chain as it is computed (the
/// viewer) calls <see cref="Noise"/> once and then <see cref="Step(IEpsModel, IScheduler, Device, Tensor, int, ulong, StepObserver?)"/>
/// for index 0 … Timesteps.Count − 1, looking at x between steps.
/// </summary>
public static class DiffusionSampler
{
    /// <summary>Called after each step with the step index, its timestep, xₜ₋₁ and the x̂₀ estimate.</summary>
    public delegate void StepObserver(int index, int timestep, Tensor xPrev, Tensor x0);

    /// <summary>x_T ~ N(0, I) of <paramref name="shape"/> from stream 0 of the seed (long-lived; caller disposes).</summary>
    public static Tensor Noise(Device device, int[] shape, ulong seed)
    {
        return Ops.Gaussian(device, shape, seed, 0);
    }

    /// <summary>Draws samples of <paramref name="shape"/> ([B, …]); the result is long-lived (caller disposes).</summary>
    public static Tensor Sample(IEpsModel model, IScheduler scheduler, Device device, int[] shape, ulong seed, StepObserver? observer = null)
    {
        var x = Noise(device, shape, seed);
        for (int i = 0; i < scheduler.Timesteps.Count; i++)
            Step(model, scheduler, device, x, i, seed, observer);
        return x;
    }

    /// <summary>Samples with classifier-free guidance (labels and scale in <paramref name="guidance"/>).</summary>
    public static Tensor Sample(IScheduler scheduler, Device device, int[] shape, ulong seed, ClassGuidance guidance, StepObserver? observer = null)
    {
        var x = Noise(device, shape, seed);
        for (int i = 0; i < scheduler.Timesteps.Count; i++)
            Step(scheduler, device, x, i, seed, guidance, observer);
        return x;
    }

    /// <summary>Step <paramref name="index"/> of the chain, in place: x ← x_prev.</summary>
    public static void Step(IEpsModel model, IScheduler scheduler, Device device, Tensor x, int index, ulong seed, StepObserver? observer = null)
    {
        using var scope = device.NoGrad();
        var t = Timestep(device, scheduler, index, x.Dim(0));
        Finish(scheduler, device, x, index, seed, observer, model.PredictNoise(x, t), null, 1f);
    }

    /// <summary>
    /// Step <paramref name="index"/> with classifier-free guidance, in place: one model pass at w = 0
    /// ("no label") and w = 1 (the labels), two passes combined inside the step kernel otherwise.
    /// </summary>
    public static void Step(IScheduler scheduler, Device device, Tensor x, int index, ulong seed, ClassGuidance guidance, StepObserver? observer = null)
    {
        using var scope = device.NoGrad();
        if (guidance.Labels.Dim(0) != x.Dim(0))
            throw new ArgumentException($"guidance has {guidance.Labels.Dim(0)} labels for a batch of {x.Dim(0)}");
        var t = Timestep(device, scheduler, index, x.Dim(0));
        var model = guidance.Model;
        float w = guidance.Scale;
        if (w == 0f) Finish(scheduler, device, x, index, seed, observer, model.PredictNoise(x, t, guidance.NoLabels), null, 1f);
        else if (w == 1f) Finish(scheduler, device, x, index, seed, observer, model.PredictNoise(x, t, guidance.Labels), null, 1f);
        else Finish(scheduler, device, x, index, seed, observer, model.PredictNoise(x, t, guidance.Labels), model.PredictNoise(x, t, guidance.NoLabels), w);
    }

    private static Tensor Timestep(Device device, IScheduler scheduler, int index, int batch)
    {
        var steps = new int[batch];
        Array.Fill(steps, scheduler.Timesteps[index]);
        return Tensor.FromInts(device, steps, batch);
    }

    private static void Finish(IScheduler scheduler, Device device, Tensor x, int index, ulong seed, StepObserver? observer, Tensor output, Tensor? uncond, float w)
    {
        var z = scheduler.AddsNoise(index) ? Ops.Gaussian(device, x.Dims.ToArray(), seed, (ulong)index + 1) : null;
        var (next, x0) = Ops.DiffusionStep(x, output, z, scheduler.StepArgs(index) with { Guidance = w }, uncond);
        observer?.Invoke(index, scheduler.Timesteps[index], next, x0);
        x.CopyFrom(next);
    }
}
