using GpuGen.Backends;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

public class DiffusionTests
{
    [Theory]
    [DeviceData("cpu", 1, 2)]
    [DeviceData("cpu", 7, 32)]
    [DeviceData("cpu", 33, 128)]
    [DeviceData("cpu", 1024, 34)]
    [DeviceData("cpu", 130, 1000)]
    [DeviceData("ilgpu-cpu", 1, 2)]
    [DeviceData("opencl:0", 1, 2)]
    [DeviceData("cuda:0", 1, 2)]
    [DeviceData("ilgpu-cpu", 7, 32)]
    [DeviceData("opencl:0", 7, 32)]
    [DeviceData("cuda:0", 7, 32)]
    [DeviceData("ilgpu-cpu", 33, 128)]
    [DeviceData("opencl:0", 33, 128)]
    [DeviceData("cuda:0", 33, 128)]
    [DeviceData("ilgpu-cpu", 1024, 34)]
    [DeviceData("opencl:0", 1024, 34)]
    [DeviceData("cuda:0", 1024, 34)]
    [DeviceData("ilgpu-cpu", 130, 1000)]
    [DeviceData("opencl:0", 130, 1000)]
    [DeviceData("cuda:0", 130, 1000)]
    public void TimestepEmbeddingMatchesWorkloadFormula(string device, int batch, int dim)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var t = TestData.Ints(70, batch, 0, 1000);
        t[0] = 999;
        var y = h.Poisoned(batch * dim);
        h.K.TimestepEmbedding(batch, dim, h.Upload(t), y);
        int half = dim / 2;
        var expected = new double[batch * dim];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < half; i++)
            {
                // WORKLOADS.md: fᵢ = exp(−ln(10000)·i/(half − 1)); half = 1 has the one frequency 1.
                double f = half == 1 ? 1 : Math.Exp(-Math.Log(10000) * i / (half - 1));
                expected[b * dim + i] = Math.Sin(t[b] * f);
                expected[b * dim + half + i] = Math.Cos(t[b] * f);
            }
        Approx.Close(expected, h.Read(y), 0, 2e-7, $"embedding {batch}x{dim}");
    }

    [Theory]
    [DeviceData("cpu", 1, 1)]
    [DeviceData("cpu", 7, 33)]
    [DeviceData("cpu", 130, 2)]
    [DeviceData("cpu", 64, 784)]
    [DeviceData("cpu", 129, 777)]
    [DeviceData("ilgpu-cpu", 1, 1)]
    [DeviceData("opencl:0", 1, 1)]
    [DeviceData("cuda:0", 1, 1)]
    [DeviceData("ilgpu-cpu", 7, 33)]
    [DeviceData("opencl:0", 7, 33)]
    [DeviceData("cuda:0", 7, 33)]
    [DeviceData("ilgpu-cpu", 130, 2)]
    [DeviceData("opencl:0", 130, 2)]
    [DeviceData("cuda:0", 130, 2)]
    [DeviceData("ilgpu-cpu", 64, 784)]
    [DeviceData("opencl:0", 64, 784)]
    [DeviceData("cuda:0", 64, 784)]
    [DeviceData("ilgpu-cpu", 129, 777)]
    [DeviceData("opencl:0", 129, 777)]
    [DeviceData("cuda:0", 129, 777)]
    public void QSampleMatchesEquation4(string device, int batch, int perExample)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var (sqrtAbar, sqrtOneMinus) = Schedule();
        var x0 = TestData.Uniform(71, batch * perExample);
        var eps = TestData.Normal(72, batch * perExample);
        var t = TestData.Ints(73, batch, 0, 1000);
        var xt = h.Poisoned(batch * perExample);
        h.K.DiffusionQSample(batch, perExample, h.Upload(x0), h.Upload(eps), h.Upload(t), h.Upload(sqrtAbar), h.Upload(sqrtOneMinus), xt);
        var expected = new double[batch * perExample];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < perExample; i++)
            {
                int k = b * perExample + i;
                expected[k] = (double)sqrtAbar[t[b]] * x0[k] + (double)sqrtOneMinus[t[b]] * eps[k];
            }
        Approx.Close(expected, h.Read(xt), 1e-6, 1e-7, "q-sample");
    }

    [Fact]
    public void QSampleRejectsTimestepsOutsideTheTables()
    {
        using var h = new KernelHarness();
        var (a, s) = Schedule();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => h.K.DiffusionQSample(2, 3, h.Upload(new float[6]), h.Upload(new float[6]),
            h.Upload(new[] { 5, 1000 }), h.Upload(a), h.Upload(s), h.Poisoned(6)));
        Assert.Equal("t", ex.ParamName);
    }

    /// <summary>DDPM: β linspace(1e−4, 0.02, 1000), ᾱ = Πα (float64), tables stored as float32.</summary>
    private static (float[] SqrtAbar, float[] SqrtOneMinusAbar) Schedule()
    {
        var a = new float[1000];
        var s = new float[1000];
        double abar = 1;
        for (int i = 0; i < 1000; i++)
        {
            abar *= 1 - (1e-4 + (0.02 - 1e-4) * i / 999);
            a[i] = (float)Math.Sqrt(abar);
            s[i] = (float)Math.Sqrt(1 - abar);
        }
        return (a, s);
    }

    /// <summary>DDPM step at t (Ho et al. 2020, eqs. 7 and 15) and a DDIM step t → t − 50 with η = 0.5 (Song et al. 2021, eq. 12).</summary>
    private static DiffusionStepArgs Coefficients(bool ddim, float clip, int t = 600)
    {
        var abar = new double[1000];
        double prod = 1;
        for (int i = 0; i < 1000; i++) abar[i] = prod *= 1 - (1e-4 + (0.02 - 1e-4) * i / 999);
        double at = abar[t];
        if (!ddim)
        {
            double beta = 1 - at / abar[t - 1], prev = abar[t - 1];
            return new DiffusionStepArgs((float)(1 / Math.Sqrt(at)), (float)Math.Sqrt(1 / at - 1), clip,
                (float)(Math.Sqrt(prev) * beta / (1 - at)), (float)(Math.Sqrt(1 - beta) * (1 - prev) / (1 - at)), 0f,
                (float)Math.Sqrt(beta * (1 - prev) / (1 - at)));
        }
        double ap = abar[t - 50];
        double sigma = 0.5 * Math.Sqrt((1 - ap) / (1 - at) * (1 - at / ap));
        return new DiffusionStepArgs((float)(1 / Math.Sqrt(at)), (float)Math.Sqrt(1 / at - 1), clip,
            (float)Math.Sqrt(ap), 0f, (float)Math.Sqrt(1 - ap - sigma * sigma), (float)sigma);
    }

    public static IEnumerable<object[]> StepCases() =>
        from n in new[] { 1, 33, 257, 100_003 }
        from ddim in new[] { false, true }
        from clip in new[] { 0f, 1f }
        from noise in new[] { false, true }
        select new object[] { n, ddim, clip, noise };

    [Theory]
    [DeviceData("cpu", Member = nameof(StepCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(StepCases))]
    [DeviceData("opencl:0", Member = nameof(StepCases))]
    [DeviceData("cuda:0", Member = nameof(StepCases))]
    public void StepMatchesReference(string device, int n, bool ddim, float clip, bool noise)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var a = Coefficients(ddim, clip);
        var xt = TestData.Normal(80, n);
        var eps = TestData.Normal(81, n);
        var z = TestData.Normal(82, n);
        var xPrev = h.Poisoned(n);
        var x0 = h.Poisoned(n);
        h.K.DiffusionStep(n, h.Upload(xt), h.Upload(eps), noise ? h.Upload(z) : null, xPrev, x0, a);
        var ePrev = new double[n];
        var eX0 = new double[n];
        for (int i = 0; i < n; i++)
        {
            double hat = (double)a.X0FromXt * xt[i] - (double)a.X0FromEps * eps[i];
            if (clip > 0) hat = Math.Clamp(hat, -clip, clip);
            eX0[i] = hat;
            ePrev[i] = a.PrevFromX0 * hat + (double)a.PrevFromXt * xt[i] + (double)a.PrevFromEps * eps[i] + (noise ? (double)a.Sigma * z[i] : 0);
        }
        Approx.Close(eX0, h.Read(x0), 1e-5, 1e-5, "x0 estimate");
        Approx.Close(ePrev, h.Read(xPrev), 1e-5, 1e-5, $"x_prev ddim={ddim} clip={clip} noise={noise}");

        // Without an x0 buffer the step still writes x_prev, in place over x_t.
        var inPlace = h.Upload(xt);
        h.K.DiffusionStep(n, inPlace, h.Upload(eps), noise ? h.Upload(z) : null, inPlace, null, a);
        Approx.Close(ePrev, h.Read(inPlace), 1e-5, 1e-5, "in place, no x0");
    }
}
