using GpuGen.Backends;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Ancestral DDPM sampling (Ho et al. 2020, Algorithm 2): every t from T−1 down to 0,
///   xₜ₋₁ = (xₜ − βₜ/√(1−ᾱₜ)·ε) / √αₜ + σₜ z,  z ~ N(0, I), z = 0 at t = 0,
/// with σₜ² = βₜ (the paper's "fixed large" choice, as in shared/WORKLOADS.md) or β̃ₜ ("fixed small").
/// With clipping, x̂₀ is clipped to [−clip, clip] and the posterior mean of eq. 7 is used instead,
/// which is the same step when nothing is clipped.
/// </summary>
public sealed class DdpmScheduler : IScheduler
{
    private readonly int[] timesteps;

    public DdpmScheduler(NoiseSchedule schedule, bool posteriorVariance = false, float clip = 0f)
    {
        Schedule = schedule;
        PosteriorVarianceNoise = posteriorVariance;
        Clip = clip;
        timesteps = Enumerable.Range(0, schedule.Steps).Reverse().ToArray();
    }

    public NoiseSchedule Schedule { get; }

    public bool PosteriorVarianceNoise { get; }

    public float Clip { get; }

    public IReadOnlyList<int> Timesteps => timesteps;

    public bool AddsNoise(int index) => timesteps[index] > 0;

    public DiffusionStepArgs StepArgs(int index)
    {
        int t = timesteps[index];
        var s = Schedule;
        double beta = s.Betas[t], alpha = s.Alphas[t], abar = s.AlphaBars[t], abarPrev = s.AlphaBarPrev(t);
        double sigma = t == 0 ? 0 : Math.Sqrt(PosteriorVarianceNoise ? s.PosteriorVariance(t) : beta);
        double x0FromXt = 1 / Math.Sqrt(abar), x0FromEps = Math.Sqrt(1 - abar) / Math.Sqrt(abar);
        if (Clip > 0)
        {
            // μ̃ₜ = c₀·clip(x̂₀) + cₜ·xₜ (eq. 7).
            double c0 = Math.Sqrt(abarPrev) * beta / (1 - abar);
            double ct = Math.Sqrt(alpha) * (1 - abarPrev) / (1 - abar);
            return new DiffusionStepArgs((float)x0FromXt, (float)x0FromEps, Clip, (float)c0, (float)ct, 0f, (float)sigma);
        }
        // The ε form of the same mean: (xₜ − βₜ/√(1−ᾱₜ)·ε)/√αₜ.
        return new DiffusionStepArgs((float)x0FromXt, (float)x0FromEps, 0f,
            PrevFromX0: 0f,
            PrevFromXt: (float)(1 / Math.Sqrt(alpha)),
            PrevFromEps: (float)(-beta / (Math.Sqrt(1 - abar) * Math.Sqrt(alpha))),
            Sigma: (float)sigma);
    }
}
