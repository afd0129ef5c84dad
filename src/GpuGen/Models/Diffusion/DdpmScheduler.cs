using GpuGen.Backends;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Ancestral DDPM sampling (Ho et al. 2020, Algorithm 2), over all T timesteps or a respaced subset
/// of K (Nichol &amp; Dhariwal 2021, §4: the visited τ₁ &gt; … &gt; τ_K define a new chain with
/// ᾱ'ᵢ = ᾱ_τᵢ, β'ᵢ = 1 − ᾱ_τᵢ/ᾱ_τᵢ₊₁). Each step samples the posterior q(x_prev | xₜ, x̂₀) of eq. 7:
///   x_prev = c₀·x̂₀ + cₜ·xₜ + σ z,  c₀ = √ᾱ_prev β'/(1−ᾱₜ),  cₜ = √α' (1−ᾱ_prev)/(1−ᾱₜ),
/// with σ² = β' ("fixed large", as in bench/README.md) or β̃ = (1−ᾱ_prev)/(1−ᾱₜ)·β' ("fixed
/// small"), z = 0 at the last step. For ε-prediction without clipping the same mean is computed in
/// its ε form (xₜ − β'/√(1−ᾱₜ)·ε)/√α'. Where the next visited timestep is t − 1, β' is the
/// schedule's βₜ itself, so K = T is plain DDPM bit for bit.
/// </summary>
public sealed class DdpmScheduler : IScheduler
{
    private readonly int[] timesteps;

    /// <param name="schedule">The noise schedule the model was trained with.</param>
    /// <param name="posteriorVariance">σ² = β̃ ("fixed small") instead of β ("fixed large").</param>
    /// <param name="clip">Clip x̂₀ to [−clip, clip] (0: no clipping).</param>
    /// <param name="steps">K ≤ T timesteps to visit (0: all T).</param>
    /// <param name="prediction">What the model predicts.</param>
    /// <param name="spacing">How the K timesteps are chosen.</param>
    public DdpmScheduler(NoiseSchedule schedule, bool posteriorVariance = false, float clip = 0f, int steps = 0,
        PredictionType prediction = PredictionType.Epsilon, TimestepSpacing spacing = TimestepSpacing.Leading)
    {
        if (!(clip >= 0)) throw new ArgumentOutOfRangeException(nameof(clip), $"x̂₀ clip must be 0 (off) or positive, got {clip}");
        Schedule = schedule;
        PosteriorVarianceNoise = posteriorVariance;
        Clip = clip;
        Prediction = prediction;
        timesteps = Diffusion.Timesteps.Select(schedule.Steps, steps == 0 ? schedule.Steps : steps, spacing);
    }

    public NoiseSchedule Schedule { get; }

    public bool PosteriorVarianceNoise { get; }

    public float Clip { get; }

    public PredictionType Prediction { get; }

    public IReadOnlyList<int> Timesteps => timesteps;

    public bool AddsNoise(int index) => index + 1 < timesteps.Length;

    /// <summary>(ᾱₜ, ᾱ_prev, β', α') of the step at Timesteps[index] on the (possibly respaced) chain.</summary>
    public (double AlphaBar, double AlphaBarPrev, double Beta, double Alpha) StepTerms(int index)
    {
        int t = timesteps[index];
        var s = Schedule;
        double abar = s.AlphaBars[t];
        bool last = index + 1 >= timesteps.Length;
        int prev = last ? -1 : timesteps[index + 1];
        double abarPrev = last ? 1.0 : s.AlphaBars[prev];
        if (prev == t - 1) return (abar, abarPrev, s.Betas[t], s.Alphas[t]);
        double alpha = abar / abarPrev;
        return (abar, abarPrev, 1 - alpha, alpha);
    }

    /// <summary>σ² of the step: β' or β̃' = (1−ᾱ_prev)/(1−ᾱₜ)·β'; 0 at the last step.</summary>
    public double Variance(int index)
    {
        if (!AddsNoise(index)) return 0;
        var (abar, abarPrev, beta, _) = StepTerms(index);
        return PosteriorVarianceNoise ? (1 - abarPrev) / (1 - abar) * beta : beta;
    }

    public DiffusionStepArgs StepArgs(int index)
    {
        var (abar, abarPrev, beta, alpha) = StepTerms(index);
        double sigma = Math.Sqrt(Variance(index));
        if (Clip > 0 || Prediction != PredictionType.Epsilon)
        {
            // μ̃ₜ = c₀·x̂₀ + cₜ·xₜ (eq. 7).
            double c0 = Math.Sqrt(abarPrev) * beta / (1 - abar);
            double ct = Math.Sqrt(alpha) * (1 - abarPrev) / (1 - abar);
            return Diffusion.Prediction.StepArgs(Prediction, abar, Clip, c0, ct, 0, sigma);
        }
        // The ε form of the same mean: (xₜ − β'/√(1−ᾱₜ)·ε)/√α'.
        return new DiffusionStepArgs((float)(1 / Math.Sqrt(abar)), (float)(Math.Sqrt(1 - abar) / Math.Sqrt(abar)), 0f,
            PrevFromX0: 0f,
            PrevFromXt: (float)(1 / Math.Sqrt(alpha)),
            PrevFromEps: (float)(-beta / (Math.Sqrt(1 - abar) * Math.Sqrt(alpha))),
            Sigma: (float)sigma);
    }
}
