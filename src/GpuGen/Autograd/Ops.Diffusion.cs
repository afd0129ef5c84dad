using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

/// <summary>The forward process and the fused reverse step of diffusion (not differentiable: training differentiates the network, not these).</summary>
public static partial class Ops
{
    /// <summary>
    /// xₜ = √ᾱₜ·x₀ + √(1−ᾱₜ)·ε for x₀, ε [B, …] and int t [B], with the float32 tables √ᾱ and √(1−ᾱ)
    /// indexed by t; with <paramref name="velocity"/> the same launch also writes v = √ᾱₜ·ε − √(1−ᾱₜ)·x₀.
    /// </summary>
    public static Tensor AddNoise(Tensor x0, Tensor eps, Tensor t, Tensor sqrtAlphaBar, Tensor sqrtOneMinusAlphaBar, Tensor? velocity = null)
    {
        int batch = x0.Dim(0);
        if (eps.Length != x0.Length) throw new ArgumentException($"AddNoise: ε {eps.Describe()} does not match x₀ {x0.Describe()}");
        if (t.Length != batch) throw new ArgumentException($"AddNoise: {t.Length} timesteps for a batch of {batch}");
        if (velocity is not null && velocity.Length != x0.Length) throw new ArgumentException($"AddNoise: v {velocity.Describe()} does not match x₀ {x0.Describe()}");
        var xt = Tensor.Empty(x0.Device, x0.Dims.ToArray());
        K(x0).DiffusionQSample(batch, checked((int)(x0.Length / batch)), x0.Storage, eps.Storage, t.Storage,
            sqrtAlphaBar.Storage, sqrtOneMinusAlphaBar.Storage, xt.Storage, velocity?.Storage);
        return xt;
    }

    /// <summary>
    /// One reverse step from xₜ and the model's output (and the unconditional output when guiding):
    /// returns (x_{t−1}, x̂₀); <paramref name="noise"/> is the fresh z of an ancestral step, null for a deterministic one.
    /// </summary>
    public static (Tensor Next, Tensor X0) DiffusionStep(Tensor x, Tensor output, Tensor? noise, DiffusionStepArgs args, Tensor? uncond = null)
    {
        var shape = x.Dims.ToArray();
        var next = Tensor.Empty(x.Device, shape);
        var x0 = Tensor.Empty(x.Device, shape);
        K(x).DiffusionStep(x.Length, x.Storage, output.Storage, noise?.Storage, next.Storage, x0.Storage, args, uncond?.Storage);
        return (next, x0);
    }
}
