using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// The forward-process variance schedule of DDPM (Ho et al. 2020) and the tables derived from it,
/// computed in float64 and handed to kernels as float32. Index t runs over 0 … T−1 (paper's t−1).
///   αₜ = 1 − βₜ,  ᾱₜ = Πₛ≤ₜ αₛ,  q(xₜ|x₀) = N(√ᾱₜ x₀, (1−ᾱₜ) I)            (eq. 4)
///   posterior q(xₜ₋₁|xₜ,x₀) = N(μ̃ₜ, β̃ₜ I), β̃ₜ = (1−ᾱₜ₋₁)/(1−ᾱₜ)·βₜ,
///   μ̃ₜ = √ᾱₜ₋₁ βₜ/(1−ᾱₜ)·x₀ + √αₜ (1−ᾱₜ₋₁)/(1−ᾱₜ)·xₜ                      (eq. 7)
/// </summary>
public sealed class NoiseSchedule
{
    private NoiseSchedule(string kind, double[] betas)
    {
        Kind = kind;
        Betas = betas;
        int n = betas.Length;
        Alphas = new double[n];
        AlphaBars = new double[n];
        double running = 1;
        for (int t = 0; t < n; t++)
        {
            Alphas[t] = 1 - betas[t];
            running *= Alphas[t];
            AlphaBars[t] = running;
        }
    }

    /// <summary>βₜ = linspace(start, end, T), the DDPM paper's schedule (1e-4 … 0.02, T = 1000).</summary>
    public static NoiseSchedule Linear(int steps = 1000, double start = 1e-4, double end = 0.02)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), $"a schedule needs at least 2 steps, got {steps}");
        if (!(start > 0 && end < 1 && start <= end)) throw new ArgumentOutOfRangeException(nameof(start), $"betas must satisfy 0 < start <= end < 1, got {start} … {end}");
        var betas = new double[steps];
        for (int t = 0; t < steps; t++) betas[t] = start + (end - start) * t / (steps - 1);
        return new NoiseSchedule("linear", betas);
    }

    /// <summary>
    /// Cosine schedule (Nichol &amp; Dhariwal 2021, eq. 17): ᾱ(t) = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s)·π/2),
    /// βₜ = 1 − ᾱₜ/ᾱₜ₋₁ clipped to 0.999.
    /// </summary>
    public static NoiseSchedule Cosine(int steps = 1000, double s = 0.008)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), $"a schedule needs at least 2 steps, got {steps}");
        double F(double t) => Math.Pow(Math.Cos((t / steps + s) / (1 + s) * Math.PI / 2), 2);
        var betas = new double[steps];
        for (int t = 0; t < steps; t++) betas[t] = Math.Min(0.999, 1 - F(t + 1) / F(t));
        return new NoiseSchedule("cosine", betas);
    }

    /// <summary>
    /// Sigmoid schedule (diffusers' "sigmoid", after Jabri et al. 2022): βₜ = start + (end − start)·σ(−6 + 12·t/(T−1)),
    /// flat near both ends and steepest in the middle.
    /// </summary>
    public static NoiseSchedule Sigmoid(int steps = 1000, double start = 1e-4, double end = 0.02)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), $"a schedule needs at least 2 steps, got {steps}");
        if (!(start > 0 && end < 1 && start <= end)) throw new ArgumentOutOfRangeException(nameof(start), $"betas must satisfy 0 < start <= end < 1, got {start} … {end}");
        var betas = new double[steps];
        for (int t = 0; t < steps; t++) betas[t] = start + (end - start) / (1 + Math.Exp(-(-6 + 12.0 * t / (steps - 1))));
        return new NoiseSchedule("sigmoid", betas);
    }

    public static NoiseSchedule Create(string kind, int steps, double start, double end) => kind switch
    {
        "linear" => Linear(steps, start, end),
        "cosine" => Cosine(steps),
        "sigmoid" => Sigmoid(steps, start, end),
        _ => throw new ArgumentException($"unknown noise schedule '{kind}' (expected linear, cosine or sigmoid)"),
    };

    public string Kind { get; }

    public int Steps => Betas.Length;

    public double[] Betas { get; }

    public double[] Alphas { get; }

    public double[] AlphaBars { get; }

    /// <summary>ᾱₜ₋₁, with ᾱ₋₁ = 1.</summary>
    public double AlphaBarPrev(int t) => t == 0 ? 1.0 : AlphaBars[t - 1];

    /// <summary>β̃ₜ = (1 − ᾱₜ₋₁)/(1 − ᾱₜ)·βₜ, the posterior variance.</summary>
    public double PosteriorVariance(int t) => (1 - AlphaBarPrev(t)) / (1 - AlphaBars[t]) * Betas[t];

    /// <summary>√ᾱₜ for every t, as a float32 table for <see cref="Autograd.Ops.AddNoise"/>.</summary>
    public float[] SqrtAlphaBarTable() => AlphaBars.Select(a => (float)Math.Sqrt(a)).ToArray();

    /// <summary>√(1 − ᾱₜ) for every t.</summary>
    public float[] SqrtOneMinusAlphaBarTable() => AlphaBars.Select(a => (float)Math.Sqrt(1 - a)).ToArray();

    /// <summary>log β̃ₜ with the t = 0 entry (where β̃₀ = 0) replaced by log β̃₁, as in Nichol &amp; Dhariwal's code.</summary>
    public double PosteriorLogVarianceClipped(int t) => Math.Log(PosteriorVariance(t == 0 ? 1 : t));

    /// <summary>Device copies of the two q-sample tables (long-lived; the caller disposes them).</summary>
    public (Tensor SqrtAlphaBar, Tensor SqrtOneMinusAlphaBar) Upload(Device device)
    {
        if (StepScope.Current is not null) throw new InvalidOperationException("upload schedule tables outside a step scope: they are long-lived");
        return (Tensor.FromArray(device, SqrtAlphaBarTable(), Steps), Tensor.FromArray(device, SqrtOneMinusAlphaBarTable(), Steps));
    }
}
