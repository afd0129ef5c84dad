using GpuGen.Backends;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

public class OptimTests
{
    public static IEnumerable<object[]> AdamCases() =>
        from n in new[] { 1, 33, 257, 100_003 }
        from decoupled in new[] { false, true }
        select new object[] { n, decoupled };

    /// <summary>Five steps against torch.optim.Adam's formula (AdamW's for decoupled decay) in float64.</summary>
    [Theory]
    [DeviceData("cpu", Member = nameof(AdamCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(AdamCases))]
    [DeviceData("opencl:0", Member = nameof(AdamCases))]
    [DeviceData("cuda:0", Member = nameof(AdamCases))]
    public void AdamMatchesTorchFormula(string device, int n, bool decoupled)
    {
        // The kernel receives float32 hyperparameters; the reference uses those exact values.
        const double lr = 1e-2f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.05f;
        using var h = new KernelHarness(TestBackends.Get(device));
        var p0 = TestData.Normal(50, n);
        var p = h.Upload(p0);
        var m = h.Upload(new float[n]);
        var v = h.Upload(new float[n]);
        var rp = TestData.ToDouble(p0);
        var rm = new double[n];
        var rv = new double[n];
        for (int t = 1; t <= 5; t++)
        {
            var g = TestData.Normal(50 + t, n);
            double bc1 = 1 - Math.Pow(b1, t), bc2 = 1 - Math.Pow(b2, t);
            h.K.AdamStep(n, p, h.Upload(g), m, v, new AdamArgs((float)lr, (float)b1, (float)b2, (float)eps, (float)wd, decoupled, (float)bc1, (float)bc2));
            for (int i = 0; i < n; i++)
            {
                double gi = g[i];
                if (decoupled) rp[i] *= 1 - lr * wd;
                else gi += wd * rp[i];
                rm[i] = b1 * rm[i] + (1 - b1) * gi;
                rv[i] = b2 * rv[i] + (1 - b2) * gi * gi;
                rp[i] -= lr / bc1 * rm[i] / (Math.Sqrt(rv[i]) / Math.Sqrt(bc2) + eps);
            }
        }
        Approx.Close(rm, h.Read(m), 1e-5, 1e-7, "adam m");
        Approx.Close(rv, h.Read(v), 1e-5, 1e-9, "adam v");
        Approx.Close(rp, h.Read(p), 1e-5, 1e-5, "adam param");
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("ilgpu-cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("opencl:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("cuda:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    public void EmaMatchesReference(string device, int n)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var e0 = TestData.Normal(60, n);
        var p = TestData.Normal(61, n);
        var ema = h.Upload(e0);
        h.K.EmaUpdate(n, ema, h.Upload(p), 0.995f);
        Approx.Close(e0.Select((e, i) => 0.995 * e + (1 - 0.995) * p[i]).ToArray(), h.Read(ema), 1e-6, 1e-7, "ema");
    }
}
