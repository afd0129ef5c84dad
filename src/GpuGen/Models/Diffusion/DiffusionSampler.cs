using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Runs a scheduler's reverse chain with an ε-model: x_T ~ N(0, I), then one
/// <see cref="Backends.IKernels.DiffusionStep"/> per visited timestep. Noise comes from Philox
/// streams of the seed (stream 0 for x_T, stream i + 1 for the z of step i), so the same seed gives
/// the same samples on every backend.
/// </summary>
public static class DiffusionSampler
{
    /// <summary>Called after each step with the step index, its timestep, xₜ₋₁ and the x̂₀ estimate.</summary>
    public delegate void StepObserver(int index, int timestep, Tensor xPrev, Tensor x0);

    /// <summary>Draws samples of <paramref name="shape"/> ([B, …]); the result is long-lived (caller disposes).</summary>
    public static Tensor Sample(IEpsModel model, IScheduler scheduler, Device device, int[] shape, ulong seed, StepObserver? observer = null)
    {
        var x = Tensor.Empty(device, shape);
        device.Kernels.GaussianFill(x.Length, seed, 0, 0, x.Storage);
        for (int i = 0; i < scheduler.Timesteps.Count; i++)
            Step(model, scheduler, device, x, i, seed, observer);
        return x;
    }

    /// <summary>Step <paramref name="index"/> of the chain, in place: x ← x_prev.</summary>
    public static void Step(IEpsModel model, IScheduler scheduler, Device device, Tensor x, int index, ulong seed, StepObserver? observer = null)
    {
        var k = device.Kernels;
        int timestep = scheduler.Timesteps[index];
        var shape = x.Dims;
        using var scope = device.NoGrad();
        var steps = new int[shape[0]];
        Array.Fill(steps, timestep);
        var t = Tensor.FromInts(device, steps, shape[0]);
        var eps = model.PredictNoise(x, t);
        Tensor? z = null;
        if (scheduler.AddsNoise(index))
        {
            z = Tensor.Empty(device, shape);
            k.GaussianFill(z.Length, seed, (ulong)index + 1, 0, z.Storage);
        }
        var next = Tensor.Empty(device, shape);
        var x0 = Tensor.Empty(device, shape);
        k.DiffusionStep(x.Length, x.Storage, eps.Storage, z?.Storage, next.Storage, x0.Storage, scheduler.StepArgs(index));
        observer?.Invoke(index, timestep, next, x0);
        x.CopyFrom(next);
    }
}
