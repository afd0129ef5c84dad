using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Models;

/// <summary>Schedules, timestep spacings, respacing and the prediction conversions, against float64 closed forms.</summary>
public class SchedulerTests
{
    [Fact]
    public void CosineScheduleMatchesItsClosedFormAndCapsBeta()
    {
        const int T = 1000;
        const double s = 0.008;
        var sched = NoiseSchedule.Cosine(T);
        double F(double t) => Math.Pow(Math.Cos((t / T + s) / (1 + s) * Math.PI / 2), 2);
        for (int t = 0; t < T; t++)
        {
            Assert.True(sched.Betas[t] > 0 && sched.Betas[t] <= 0.999, $"β[{t}] = {sched.Betas[t]}");
            // Uncapped, ᾱₜ = f(t + 1)/f(0) (Nichol & Dhariwal 2021, eq. 17, index shifted to 0 … T−1).
            if (sched.Betas.Take(t + 1).All(b => b < 0.999))
                Assert.True(Math.Abs(F(t + 1) / F(0) - sched.AlphaBars[t]) < 1e-12, $"ᾱ[{t}]");
        }
        Assert.Equal(0.999, sched.Betas[T - 1]);
    }

    [Fact]
    public void SigmoidScheduleMatchesItsClosedForm()
    {
        var sched = NoiseSchedule.Sigmoid(500, 1e-4, 0.02);
        Assert.Equal("sigmoid", sched.Kind);
        for (int t = 0; t < 500; t++)
        {
            double x = -6 + 12.0 * t / 499;
            Assert.Equal(1e-4 + (0.02 - 1e-4) / (1 + Math.Exp(-x)), sched.Betas[t], 15);
        }
        Assert.True(sched.Betas.Zip(sched.Betas.Skip(1)).All(p => p.First < p.Second));
        Assert.Same(sched.Kind, NoiseSchedule.Create("sigmoid", 500, 1e-4, 0.02).Kind);
    }

    [Theory]
    [InlineData(TimestepSpacing.Leading, new[] { 900, 800, 700, 600, 500, 400, 300, 200, 100, 0 })]
    [InlineData(TimestepSpacing.Linspace, new[] { 999, 888, 777, 666, 555, 444, 333, 222, 111, 0 })]
    [InlineData(TimestepSpacing.Trailing, new[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    public void SpacingsMatchDiffusers(TimestepSpacing spacing, int[] expected)
    {
        Assert.Equal(expected, Timesteps.Select(1000, 10, spacing));
        foreach (int k in new[] { 1, 3, 7, 333, 999, 1000 })
        {
            var t = Timesteps.Select(1000, k, spacing);
            Assert.Equal(k, t.Length);
            Assert.True(t.All(x => x >= 0 && x < 1000));
        }
        Assert.Equal(Enumerable.Range(0, 1000).Reverse(), Timesteps.Select(1000, 1000, spacing));
    }

    [Theory]
    [InlineData(TimestepSpacing.Leading)]
    [InlineData(TimestepSpacing.Linspace)]
    [InlineData(TimestepSpacing.Trailing)]
    public void RespacedDdpmWithAllStepsIsPlainDdpm(TimestepSpacing spacing)
    {
        var sched = NoiseSchedule.Cosine(200);
        foreach (bool small in new[] { false, true })
            foreach (float clip in new[] { 0f, 1f })
            {
                var plain = new DdpmScheduler(sched, small, clip);
                var respaced = new DdpmScheduler(sched, small, clip, steps: 200, spacing: spacing);
                Assert.Equal(plain.Timesteps, respaced.Timesteps);
                for (int i = 0; i < 200; i++)
                {
                    Assert.Equal(plain.StepArgs(i), respaced.StepArgs(i));
                    Assert.Equal(plain.AddsNoise(i), respaced.AddsNoise(i));
                }
            }
        // And the plain chain's coefficients are eq. 7's with the schedule's own β (float64 closed form).
        var ddpm = new DdpmScheduler(sched, posteriorVariance: true, clip: 1f);
        for (int i = 0; i < 199; i += 13)
        {
            int t = 199 - i;
            double beta = sched.Betas[t], ab = sched.AlphaBars[t], abp = sched.AlphaBars[t - 1];
            var a = ddpm.StepArgs(i);
            Assert.Equal(Math.Sqrt(abp) * beta / (1 - ab), a.PrevFromX0, 6);
            Assert.Equal(Math.Sqrt(1 - beta) * (1 - abp) / (1 - ab), a.PrevFromXt, 6);
            Assert.Equal(Math.Sqrt((1 - abp) / (1 - ab) * beta), a.Sigma, 6);
        }
    }

    [Fact]
    public void RespacedDdpmUsesTheBetasOfTheShortChain()
    {
        var sched = NoiseSchedule.Linear();
        var large = new DdpmScheduler(sched, steps: 50);
        var small = new DdpmScheduler(sched, posteriorVariance: true, steps: 50);
        Assert.Equal(50, large.Timesteps.Count);
        Assert.Equal(980, large.Timesteps[0]);
        for (int i = 0; i < 49; i++)
        {
            int t = large.Timesteps[i], tp = large.Timesteps[i + 1];
            double ab = sched.AlphaBars[t], abp = sched.AlphaBars[tp], beta = 1 - ab / abp;
            Assert.Equal(Math.Sqrt(beta), large.StepArgs(i).Sigma, 6);
            Assert.Equal(Math.Sqrt((1 - abp) / (1 - ab) * beta), small.StepArgs(i).Sigma, 6);
            Assert.True(Math.Abs(1 / Math.Sqrt(1 - beta) - large.StepArgs(i).PrevFromXt) < 1e-6, $"1/√α' at step {i}");
            Assert.True(large.AddsNoise(i));
        }
        Assert.False(large.AddsNoise(49));
        Assert.Equal(0f, large.StepArgs(49).Sigma);
    }

    [Theory]
    [InlineData(PredictionType.Epsilon)]
    [InlineData(PredictionType.Sample)]
    [InlineData(PredictionType.V)]
    public void PredictionConversionsRecoverX0AndEps(PredictionType type)
    {
        var rng = new System.Random(11);
        foreach (double ab in new[] { 0.9999, 0.7, 0.2, 1e-3 })
        {
            double x0 = rng.NextDouble() * 2 - 1, eps = rng.NextDouble() * 4 - 2;
            double a = Math.Sqrt(ab), s = Math.Sqrt(1 - ab);
            double xt = a * x0 + s * eps;
            double output = type switch
            {
                PredictionType.Epsilon => eps,
                PredictionType.Sample => x0,
                _ => a * eps - s * x0,
            };
            var (x0Xt, x0Out, eXt, eOut) = Prediction.Coefficients(type, ab);
            Assert.Equal(x0, x0Xt * xt + x0Out * output, 9);
            Assert.Equal(eps, eXt * xt + eOut * output, 9);
        }
        Assert.Equal(type, Prediction.Parse(Prediction.Name(type)));
        Assert.Contains("expected eps, x0 or v", Assert.Throws<ArgumentException>(() => Prediction.Parse("score")).Message);
    }

    [Fact]
    public void DdimAtEtaZeroIgnoresTheStepNoiseAndAtEtaOneUsesIt()
    {
        using var device = Device.Cpu();
        var sched = NoiseSchedule.Cosine(100);
        var model = new FixedModel();
        float[] Run(float eta, ulong seed)
        {
            using var x = Tensor.FromArray(device, TestData.Normal(12, 2 * 8), 2, 8);
            var ddim = new DdimScheduler(sched, 10, eta);
            for (int i = 0; i < ddim.Timesteps.Count; i++) DiffusionSampler.Step(model, ddim, device, x, i, seed);
            return x.ToArray();
        }
        Assert.Equal(Run(0f, 1), Run(0f, 2));
        Assert.NotEqual(Run(1f, 1), Run(1f, 2));
    }

    /// <summary>A stand-in ε-model: ε̂ = 0.5·xₜ (enough to make the chain depend on its input).</summary>
    private sealed class FixedModel : IEpsModel
    {
        public Tensor PredictNoise(Tensor xt, Tensor t) => GpuGen.Autograd.Ops.Scale(xt, 0.5f);

        public IEnumerable<Tensor> Parameters() => [];
    }
}
