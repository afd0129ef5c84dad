using GpuGen.Backends;
using GpuGen.Models.Diffusion;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// The fused reverse step (prediction type, classifier-free guidance, clipping, noise in one launch)
/// and the v-target of q-sampling, on every backend, against float64 closed forms.
/// </summary>
public class DiffusionStepFusedTests
{
    public static IEnumerable<object[]> Cases() =>
        from n in new[] { 1, 37, 1000 }
        from sampler in new[] { "ddpm-small", "ddpm-large", "ddim" }
        from prediction in new[] { PredictionType.Epsilon, PredictionType.Sample, PredictionType.V }
        from guided in new[] { false, true }
        select new object[] { n, sampler, prediction, guided };

    [Theory]
    [DeviceData("cpu", Member = nameof(Cases))]
    [DeviceData("ilgpu-cpu", Member = nameof(Cases))]
    [DeviceData("opencl:0", Member = nameof(Cases))]
    [DeviceData("cuda:0", Member = nameof(Cases))]
    public void StepMatchesClosedForms(string device, int n, string sampler, PredictionType prediction, bool guided)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var schedule = NoiseSchedule.Cosine(1000);
        // Index 3 of a respaced 20-step DDPM / 20-step DDIM chain: t and t_prev are far apart.
        IScheduler s = sampler == "ddim"
            ? new DdimScheduler(schedule, 20, eta: 0.7f, clip: 1f, prediction, TimestepSpacing.Trailing)
            : new DdpmScheduler(schedule, sampler == "ddpm-small", clip: 1f, steps: 20, prediction, TimestepSpacing.Trailing);
        const int index = 3;
        int t = s.Timesteps[index], tp = s.Timesteps[index + 1];
        const float w = 2.5f;
        var args = s.StepArgs(index) with { Guidance = guided ? w : 1f };
        var xt = TestData.Normal(90, n);
        var cond = TestData.Normal(91, n);
        var uncond = TestData.Normal(92, n);
        var z = TestData.Normal(93, n);
        var xPrev = h.Poisoned(n);
        var x0 = h.Poisoned(n);
        h.K.DiffusionStep(n, h.Upload(xt), h.Upload(cond), h.Upload(z), xPrev, x0, args, guided ? h.Upload(uncond) : null);

        double ab = schedule.AlphaBars[t], abp = schedule.AlphaBars[tp], a = Math.Sqrt(ab), sd = Math.Sqrt(1 - ab);
        var eX0 = new double[n];
        var ePrev = new double[n];
        for (int i = 0; i < n; i++)
        {
            double o = guided ? uncond[i] + w * ((double)cond[i] - uncond[i]) : cond[i], x = xt[i];
            // x̂₀ and ε̂ from the output, by parameterisation.
            (double hat, double eps) = prediction switch
            {
                PredictionType.Epsilon => ((x - sd * o) / a, o),
                PredictionType.Sample => (o, (x - a * o) / sd),
                _ => (a * x - sd * o, sd * x + a * o),
            };
            hat = Math.Clamp(hat, -1, 1);
            eX0[i] = hat;
            if (sampler == "ddim")
            {
                double sigma = 0.7 * Math.Sqrt((1 - abp) / (1 - ab) * (1 - ab / abp));
                ePrev[i] = Math.Sqrt(abp) * hat + Math.Sqrt(1 - abp - sigma * sigma) * eps + sigma * z[i];
            }
            else
            {
                // Respaced posterior (eq. 7 with β' = 1 − ᾱₜ/ᾱ_prev).
                double beta = 1 - ab / abp;
                double mean = Math.Sqrt(abp) * beta / (1 - ab) * hat + Math.Sqrt(1 - beta) * (1 - abp) / (1 - ab) * x;
                double variance = sampler == "ddpm-small" ? (1 - abp) / (1 - ab) * beta : beta;
                ePrev[i] = mean + Math.Sqrt(variance) * z[i];
            }
        }
        Approx.Close(eX0, h.Read(x0), 2e-5, 2e-5, $"x̂₀ {sampler} {prediction} guided={guided}");
        Approx.Close(ePrev, h.Read(xPrev), 2e-5, 2e-5, $"x_prev {sampler} {prediction} guided={guided}");
    }

    [Theory]
    [DeviceData("cpu", 1)]
    [DeviceData("cpu", 1001)]
    [DeviceData("ilgpu-cpu", 1)]
    [DeviceData("opencl:0", 1)]
    [DeviceData("cuda:0", 1)]
    [DeviceData("ilgpu-cpu", 1001)]
    [DeviceData("opencl:0", 1001)]
    [DeviceData("cuda:0", 1001)]
    public void GuidanceZeroIsTheUnconditionalStepBitForBit(string device, int n)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var s = new DdimScheduler(NoiseSchedule.Linear(), 10, eta: 0.5f, prediction: PredictionType.V);
        var xt = h.Upload(TestData.Normal(94, n));
        var cond = h.Upload(TestData.Normal(95, n));
        var uncondValues = TestData.Normal(96, n);
        var uncond = h.Upload(uncondValues);
        var z = h.Upload(TestData.Normal(97, n));
        var (guided, plain) = (h.Poisoned(n), h.Poisoned(n));
        var (guided0, plain0) = (h.Poisoned(n), h.Poisoned(n));
        h.K.DiffusionStep(n, xt, cond, z, guided, guided0, s.StepArgs(2) with { Guidance = 0f }, uncond);
        h.K.DiffusionStep(n, xt, uncond, z, plain, plain0, s.StepArgs(2));
        Assert.Equal(h.Read(plain), h.Read(guided));
        Assert.Equal(h.Read(plain0), h.Read(guided0));
        // And w = 1 is the conditional output alone (to rounding: o − u + u).
        h.K.DiffusionStep(n, xt, cond, z, guided, guided0, s.StepArgs(2) with { Guidance = 1f }, uncond);
        h.K.DiffusionStep(n, xt, cond, z, plain, plain0, s.StepArgs(2));
        Approx.Close(TestData.ToDouble(h.Read(plain)), h.Read(guided), 1e-5, 1e-5, "w = 1");
    }

    [Theory]
    [DeviceData("cpu", 3, 33)]
    [DeviceData("cpu", 64, 784)]
    [DeviceData("ilgpu-cpu", 3, 33)]
    [DeviceData("opencl:0", 3, 33)]
    [DeviceData("cuda:0", 3, 33)]
    [DeviceData("ilgpu-cpu", 64, 784)]
    [DeviceData("opencl:0", 64, 784)]
    [DeviceData("cuda:0", 64, 784)]
    public void QSampleWritesTheVelocityTarget(string device, int batch, int perExample)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var schedule = NoiseSchedule.Sigmoid(1000);
        var (sa, so) = (schedule.SqrtAlphaBarTable(), schedule.SqrtOneMinusAlphaBarTable());
        var x0 = TestData.Uniform(98, batch * perExample);
        var eps = TestData.Normal(99, batch * perExample);
        var t = TestData.Ints(100, batch, 0, 1000);
        var (xt, v) = (h.Poisoned(batch * perExample), h.Poisoned(batch * perExample));
        h.K.DiffusionQSample(batch, perExample, h.Upload(x0), h.Upload(eps), h.Upload(t), h.Upload(sa), h.Upload(so), xt, v);
        var (ex, ev) = (new double[batch * perExample], new double[batch * perExample]);
        for (int b = 0; b < batch; b++)
        {
            double a = Math.Sqrt(schedule.AlphaBars[t[b]]), s = Math.Sqrt(1 - schedule.AlphaBars[t[b]]);
            for (int i = b * perExample; i < (b + 1) * perExample; i++)
            {
                ex[i] = a * x0[i] + s * eps[i];
                ev[i] = a * eps[i] - s * x0[i];
            }
        }
        Approx.Close(ex, h.Read(xt), 1e-6, 2e-7, "x_t");
        Approx.Close(ev, h.Read(v), 1e-6, 2e-7, "v");
    }
}
