using GpuGen.Backends;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// DDIM (Song et al. 2021, eq. 12) over a subsequence of S evenly spaced timesteps:
///   xₜ₋ = √ᾱₜ₋·x̂₀ + √(1 − ᾱₜ₋ − σ²)·ε + σ z,   σ = η·√((1−ᾱₜ₋)/(1−ᾱₜ))·√(1 − ᾱₜ/ᾱₜ₋),
/// where t₋ is the next visited timestep (ᾱ = 1 after the last). η = 0 is deterministic.
/// </summary>
public sealed class DdimScheduler : IScheduler
{
    private readonly int[] timesteps;

    public DdimScheduler(NoiseSchedule schedule, int steps, float eta = 0f, float clip = 0f)
    {
        if (steps < 1 || steps > schedule.Steps)
            throw new ArgumentOutOfRangeException(nameof(steps), $"DDIM steps must be in 1 … {schedule.Steps}, got {steps}");
        Schedule = schedule;
        Eta = eta;
        Clip = clip;
        // Evenly spaced, from the noisiest: t_i = round(i·(T−1)/(S−1)) reversed (unique by construction for S ≤ T).
        timesteps = Enumerable.Range(0, steps)
            .Select(i => steps == 1 ? schedule.Steps - 1 : (int)Math.Round((double)i * (schedule.Steps - 1) / (steps - 1)))
            .Reverse().ToArray();
    }

    public NoiseSchedule Schedule { get; }

    public float Eta { get; }

    public float Clip { get; }

    public IReadOnlyList<int> Timesteps => timesteps;

    public bool AddsNoise(int index) => Eta > 0 && index + 1 < timesteps.Length;

    public DiffusionStepArgs StepArgs(int index)
    {
        int t = timesteps[index];
        double abar = Schedule.AlphaBars[t];
        double abarPrev = index + 1 < timesteps.Length ? Schedule.AlphaBars[timesteps[index + 1]] : 1.0;
        double sigma = Eta * Math.Sqrt((1 - abarPrev) / (1 - abar)) * Math.Sqrt(1 - abar / abarPrev);
        double dir = Math.Sqrt(Math.Max(0, 1 - abarPrev - sigma * sigma));
        return new DiffusionStepArgs(
            X0FromXt: (float)(1 / Math.Sqrt(abar)),
            X0FromEps: (float)(Math.Sqrt(1 - abar) / Math.Sqrt(abar)),
            Clip: Clip,
            PrevFromX0: (float)Math.Sqrt(abarPrev),
            PrevFromXt: 0f,
            PrevFromEps: (float)dir,
            Sigma: (float)sigma);
    }
}
