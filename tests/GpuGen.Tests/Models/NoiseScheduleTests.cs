using GpuGen.Models.Diffusion;

namespace GpuGen.Tests.Models;

public class NoiseScheduleTests
{
    [Fact]
    public void LinearScheduleMatchesClosedForms()
    {
        var s = NoiseSchedule.Linear();
        Assert.Equal(1000, s.Steps);
        Assert.Equal(1e-4, s.Betas[0], 15);
        Assert.Equal(0.02, s.Betas[^1], 15);
        // βₜ = 1e-4 + (0.02 − 1e-4)·t/999 and ᾱₜ = Πₛ≤ₜ (1 − βₛ), recomputed independently in log space.
        double logAbar = 0;
        for (int t = 0; t < 1000; t++)
        {
            double beta = 1e-4 + (0.02 - 1e-4) * t / 999.0;
            logAbar += Math.Log(1 - beta);
            Assert.Equal(beta, s.Betas[t], 14);
            Assert.Equal(Math.Exp(logAbar), s.AlphaBars[t], 12);
        }
        // Known value from the DDPM paper's setting: ᾱ_T ≈ 4.04e-5, so x_T is almost pure noise.
        Assert.InRange(s.AlphaBars[^1], 4.0e-5, 4.1e-5);
    }

    [Fact]
    public void PosteriorCoefficientsSatisfyTheirDefinitions()
    {
        var s = NoiseSchedule.Linear();
        foreach (int t in new[] { 1, 10, 500, 999 })
        {
            double abar = s.AlphaBars[t], abarPrev = s.AlphaBars[t - 1];
            Assert.Equal((1 - abarPrev) / (1 - abar) * s.Betas[t], s.PosteriorVariance(t), 15);
            Assert.True(s.PosteriorVariance(t) < s.Betas[t]);
        }
        Assert.Equal(0, s.PosteriorVariance(0), 15);
    }

    [Fact]
    public void DdpmStepWithoutClipEqualsPosteriorMeanForm()
    {
        // The ε-form step (x − β/√(1−ᾱ)·ε)/√α must equal c₀·x̂₀ + cₜ·x (eq. 7) for x̂₀ = (x − √(1−ᾱ)ε)/√ᾱ.
        var s = NoiseSchedule.Linear();
        var plain = new DdpmScheduler(s);
        var clipped = new DdpmScheduler(s, clip: 1e9f);
        var rng = new System.Random(3);
        foreach (int index in new[] { 0, 1, 300, 998, 999 })
        {
            double x = rng.NextDouble() * 2 - 1, eps = rng.NextDouble() * 2 - 1;
            var a = plain.StepArgs(index);
            var b = clipped.StepArgs(index);
            double viaEps = a.PrevFromXt * x + a.PrevFromEps * eps;
            double x0 = b.X0FromXt * x - b.X0FromEps * eps;
            double viaX0 = b.PrevFromX0 * x0 + b.PrevFromXt * x;
            Assert.True(Math.Abs(viaEps - viaX0) < 1e-4 * Math.Max(1, Math.Abs(viaEps)), $"t index {index}: {viaEps} vs {viaX0}");
            Assert.Equal(a.Sigma, b.Sigma);
        }
        Assert.Equal(0f, plain.StepArgs(999).Sigma);
        Assert.False(plain.AddsNoise(999));
    }

    [Fact]
    public void DdimVisitsEvenlySpacedStepsAndIsDeterministicAtEtaZero()
    {
        var s = NoiseSchedule.Linear();
        var ddim = new DdimScheduler(s, 50);
        Assert.Equal(50, ddim.Timesteps.Count);
        Assert.Equal(999, ddim.Timesteps[0]);
        Assert.Equal(0, ddim.Timesteps[^1]);
        Assert.True(ddim.Timesteps.Zip(ddim.Timesteps.Skip(1)).All(p => p.First > p.Second));
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(0f, ddim.StepArgs(i).Sigma);
            Assert.False(ddim.AddsNoise(i));
        }
        // The last step lands on x̂₀ exactly: ᾱ_prev = 1, so x_prev = x̂₀.
        var last = ddim.StepArgs(49);
        Assert.Equal(1f, last.PrevFromX0);
        Assert.Equal(0f, last.PrevFromEps);
        // With η = 1 DDIM's σ equals DDPM's posterior standard deviation on the full chain (Song et al. 2021, §4.1).
        var full = new DdimScheduler(s, 1000, eta: 1f);
        for (int i = 0; i < 999; i += 97)
            Assert.Equal(Math.Sqrt(s.PosteriorVariance(999 - i)), full.StepArgs(i).Sigma, 5);
    }

    [Fact]
    public void BadSchedulesAreRejectedWithReasons()
    {
        Assert.Contains("at least 2", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseSchedule.Linear(1)).Message);
        Assert.Contains("betas", Assert.Throws<ArgumentOutOfRangeException>(() => NoiseSchedule.Linear(10, 0.5, 0.1)).Message);
        Assert.Contains("unknown noise schedule", Assert.Throws<ArgumentException>(() => NoiseSchedule.Create("quadratic", 10, 1e-4, 0.02)).Message);
    }
}
