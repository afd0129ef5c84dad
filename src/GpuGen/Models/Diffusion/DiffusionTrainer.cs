using GpuGen.Autograd;
using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Training with the "simple" objective of Ho et al. 2020 (Algorithm 1): t ~ U{0..T−1} and
/// ε ~ N(0, I) per example, xₜ = √ᾱₜ x₀ + √(1−ᾱₜ) ε, loss = mean ‖ε − ε_θ(xₜ, t)‖². Every random
/// number of step s comes from Philox streams derived from (seed, s), so a run is reproducible on
/// any backend and resumable from a checkpoint's step count.
/// </summary>
public sealed class DiffusionTrainer : IDisposable
{
    private readonly Tensor sqrtAlphaBar;
    private readonly Tensor sqrtOneMinusAlphaBar;

    public DiffusionTrainer(IEpsModel model, NoiseSchedule schedule, Adam optimizer, ulong seed, Ema? ema = null)
    {
        Model = model;
        Schedule = schedule;
        Optimizer = optimizer;
        Ema = ema;
        Seed = seed;
        Device = optimizer.Parameters[0].Device;
        (sqrtAlphaBar, sqrtOneMinusAlphaBar) = schedule.Upload(Device);
    }

    public IEpsModel Model { get; }

    public NoiseSchedule Schedule { get; }

    public Adam Optimizer { get; }

    public Ema? Ema { get; }

    public ulong Seed { get; }

    public Device Device { get; }

    /// <summary>Steps taken so far (the optimizer's count).</summary>
    public long Step => Optimizer.StepCount;

    /// <summary>Philox stream of the k-th random draw (k &lt; 4) of training step s.</summary>
    public static ulong Stream(long step, int k) => ((ulong)step << 2) | (uint)k;

    /// <summary>One optimisation step on a batch x₀ [B, …]; returns the loss (reads it back from the device).</summary>
    public float TrainStep(Tensor x0)
    {
        using var scope = Device.Step();
        var loss = Loss(x0, Step);
        Optimizer.ZeroGrad();
        loss.Backward();
        Optimizer.Step();
        Ema?.Update();
        return loss.Item();
    }

    /// <summary>The simple loss for a batch, with the noise and timesteps of training step <paramref name="step"/>.</summary>
    public Tensor Loss(Tensor x0, long step)
    {
        int batch = x0.Dim(0), perExample = checked((int)(x0.Length / batch));
        var k = Device.Kernels;
        var t = Tensor.Empty(Device, [batch], DType.Int32);
        k.UniformIntFill(batch, Seed, Stream(step, 0), 0, t.Storage, 0, Schedule.Steps);
        var eps = Tensor.Empty(Device, x0.Dims.ToArray());
        k.GaussianFill(eps.Length, Seed, Stream(step, 1), 0, eps.Storage);
        var xt = Tensor.Empty(Device, x0.Dims.ToArray());
        k.DiffusionQSample(batch, perExample, x0.Storage, eps.Storage, t.Storage, sqrtAlphaBar.Storage, sqrtOneMinusAlphaBar.Storage, xt.Storage);
        return Ops.MseLoss(Model.PredictNoise(xt, t), eps);
    }

    public void Dispose()
    {
        sqrtAlphaBar.Dispose();
        sqrtOneMinusAlphaBar.Dispose();
    }
}
