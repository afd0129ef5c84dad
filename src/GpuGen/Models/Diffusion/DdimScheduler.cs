using GpuGen.Backends;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// DDIM (Song et al. 2021, eq. 12) over a subsequence of S timesteps:
///   xₜ₋ = √ᾱₜ₋·x̂₀ + √(1 − ᾱₜ₋ − σ²)·ε̂ + σ z,   σ = η·√((1−ᾱₜ₋)/(1−ᾱₜ))·√(1 − ᾱₜ/ᾱₜ₋),
/// where t₋ is the next visited timestep (ᾱ = 1 after the last). η = 0 is deterministic; x̂₀ and ε̂
/// come from the model output as <see cref="Diffusion.Prediction"/> says (ε̂ from the unclipped output).
/// </summary>
public sealed class DdimScheduler : IScheduler
{
    private readonly int[] timesteps;

    public DdimScheduler(NoiseSchedule schedule, int steps, float eta = 0f, float clip = 0f,
        PredictionType prediction = PredictionType.Epsilon, TimestepSpacing spacing = TimestepSpacing.Linspace)
    {
        if (steps < 1 || steps > schedule.Steps)
            throw new ArgumentOutOfRangeException(nameof(steps), $"DDIM steps must be in 1 … {schedule.Steps}, got {steps}");
        if (!(eta >= 0)) throw new ArgumentOutOfRangeException(nameof(eta), $"DDIM η must be 0 or positive, got {eta}");
        if (!(clip >= 0)) throw new ArgumentOutOfRangeException(nameof(clip), $"x̂₀ clip must be 0 (off) or positive, got {clip}");
        Schedule = schedule;
        Eta = eta;
        Clip = clip;
        Prediction = prediction;
        Spacing = spacing;
        timesteps = Diffusion.Timesteps.Select(schedule.Steps, steps, spacing);
    }

    public NoiseSchedule Schedule { get; }

    public float Eta { get; }

    public float Clip { get; }

    public PredictionType Prediction { get; }

    public TimestepSpacing Spacing { get; }

    public IReadOnlyList<int> Timesteps => timesteps;

    public bool AddsNoise(int index) => Eta > 0 && index + 1 < timesteps.Length;

    public DiffusionStepArgs StepArgs(int index)
    {
        int t = timesteps[index];
        double abar = Schedule.AlphaBars[t];
        double abarPrev = index + 1 < timesteps.Length ? Schedule.AlphaBars[timesteps[index + 1]] : 1.0;
        double sigma = Eta * Math.Sqrt((1 - abarPrev) / (1 - abar)) * Math.Sqrt(1 - abar / abarPrev);
        double dir = Math.Sqrt(Math.Max(0, 1 - abarPrev - sigma * sigma));
        return Diffusion.Prediction.StepArgs(Prediction, abar, Clip, Math.Sqrt(abarPrev), 0, dir, sigma);
    }
}
