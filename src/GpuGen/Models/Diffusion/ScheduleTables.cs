using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// A schedule's q-sample tables (√ᾱₜ and √(1−ᾱₜ), computed in float64, stored float32) uploaded once
/// to a device, and the forward noising that reads them.
/// </summary>
public sealed class ScheduleTables : IDisposable
{
    private readonly Tensor sqrtAlphaBar;
    private readonly Tensor sqrtOneMinusAlphaBar;

    public ScheduleTables(NoiseSchedule schedule, Device device)
    {
        Schedule = schedule;
        Device = device;
        (sqrtAlphaBar, sqrtOneMinusAlphaBar) = schedule.Upload(device);
    }

    public NoiseSchedule Schedule { get; }

    public Device Device { get; }

    /// <summary>
    /// xₜ = √ᾱₜ·x₀ + √(1−ᾱₜ)·ε for x₀, ε [B, …] and int t [B] (diffusers' AddNoise); with
    /// <paramref name="velocity"/> the same launch also writes v = √ᾱₜ·ε − √(1−ᾱₜ)·x₀ there.
    /// </summary>
    public Tensor AddNoise(Tensor x0, Tensor eps, Tensor t, Tensor? velocity = null)
    {
        return Ops.AddNoise(x0, eps, t, sqrtAlphaBar, sqrtOneMinusAlphaBar, velocity);
    }

    public void Dispose()
    {
        sqrtAlphaBar.Dispose();
        sqrtOneMinusAlphaBar.Dispose();
    }
}
