using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>The coupling kernels against float64 references on fresh random inputs, every backend.</summary>
public class CouplingTests
{
    public static IEnumerable<object[]> Shapes() =>
        new[] { (1, 1), (3, 7), (5, 33), (2, 257), (4, 784) }.Select(s => new object[] { s.Item1, s.Item2 });

    private static float[] Mask(int seed, int dim)
    {
        var u = TestData.Uniform(seed, dim, 0f, 1f);
        return u.Select(v => v < 0.5f ? 1f : 0f).ToArray();
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(Shapes))]
    [DeviceData("ilgpu-cpu", Member = nameof(Shapes))]
    [DeviceData("opencl:0", Member = nameof(Shapes))]
    [DeviceData("cuda:0", Member = nameof(Shapes))]
    public void AffineForwardInverseAndLogdet(string device, int rows, int dim)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        int n = rows * dim;
        var x = TestData.Normal(rows * 100 + dim, n);
        var m = Mask(dim, dim);
        var sRaw = TestData.Normal(7 + dim, n, 0f, 2f);
        var t = TestData.Normal(8 + dim, n);
        var ld0 = TestData.Normal(9, rows);
        var y = h.Poisoned(n);
        var ld = h.Poisoned(rows);
        var mb = h.Upload(m);
        var sb = h.Upload(sRaw);
        var tb = h.Upload(t);
        h.K.AffineCouplingForward(rows, dim, h.Upload(x), mb, sb, tb, y, ld);
        var ey = new double[n];
        var eld = new double[rows];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < dim; i++)
            {
                int k = r * dim + i;
                double s = Math.Tanh(sRaw[k]) * (1 - m[i]);
                ey[k] = x[k] * m[i] + (1 - m[i]) * (x[k] * Math.Exp(s) + t[k]);
                eld[r] += s;
            }
        var yHost = h.Read(y);
        Approx.Close(ey, yHost, 2e-6, 2e-6, "affine y");
        Approx.Close(eld, h.Read(ld), 1e-5, 1e-5 * Math.Sqrt(dim), "affine logdet");

        // Accumulating log-determinant, and the inverse from the kernel's own y: back to x, −logdet.
        var acc = h.Upload(ld0);
        h.K.AffineCouplingForward(rows, dim, h.Upload(x), mb, sb, tb, h.Poisoned(n), acc, accumulateLogdet: true);
        Approx.Close(eld.Select((v, r) => v + ld0[r]).ToArray(), h.Read(acc), 1e-5, 1e-5 * Math.Sqrt(dim), "accumulated logdet");
        var back = h.Poisoned(n);
        var ldInv = h.Poisoned(rows);
        h.K.AffineCouplingInverse(rows, dim, h.Upload(yHost), mb, sb, tb, back, ldInv);
        Approx.Close(TestData.ToDouble(x), h.Read(back), 1e-5, 1e-5, "inverse x");
        Approx.Close(eld.Select(v => -v).ToArray(), h.Read(ldInv), 1e-5, 1e-5 * Math.Sqrt(dim), "inverse logdet");
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(Shapes))]
    [DeviceData("ilgpu-cpu", Member = nameof(Shapes))]
    [DeviceData("opencl:0", Member = nameof(Shapes))]
    [DeviceData("cuda:0", Member = nameof(Shapes))]
    public void AffineBackward(string device, int rows, int dim)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        int n = rows * dim;
        var x = TestData.Normal(11 + dim, n);
        var m = Mask(dim + 1, dim);
        var sRaw = TestData.Normal(12 + dim, n, 0f, 2f);
        var dy = TestData.Normal(13 + dim, n);
        var dl = TestData.Normal(14 + dim, rows);
        var dx0 = TestData.Normal(15, n);
        var ds0 = TestData.Normal(16, n);
        var dt0 = TestData.Normal(17, n);
        var dx = h.Upload(dx0);
        var ds = h.Upload(ds0);
        var dt = h.Upload(dt0);
        h.K.AffineCouplingBackward(rows, dim, h.Upload(x), h.Upload(m), h.Upload(sRaw), h.Upload(dy), h.Upload(dl), dx, ds, dt);
        var edx = new double[n];
        var eds = new double[n];
        var edt = new double[n];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < dim; i++)
            {
                int k = r * dim + i;
                double th = Math.Tanh(sRaw[k]), free = 1 - m[i], es = Math.Exp(th * free);
                edx[k] = dx0[k] + dy[k] * (m[i] + free * es);
                eds[k] = ds0[k] + free * (dy[k] * x[k] * es + dl[r]) * (1 - th * th);
                edt[k] = dt0[k] + free * dy[k];
            }
        Approx.Close(edx, h.Read(dx), 2e-6, 2e-6, "dx");
        Approx.Close(eds, h.Read(ds), 1e-5, 1e-5, "dsRaw"); // 1 − tanh² from a float tanh: ~1e-7 absolute, times |dy·x·eˢ|
        Approx.Close(edt, h.Read(dt), 1e-6, 1e-7, "dt");

        // Without a log-determinant gradient and with only dsRaw wanted.
        var ds2 = h.Upload(ds0);
        h.K.AffineCouplingBackward(rows, dim, h.Upload(x), h.Upload(m), h.Upload(sRaw), h.Upload(dy), null, null, ds2, null);
        var eds2 = new double[n];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < dim; i++)
            {
                int k = r * dim + i;
                double th = Math.Tanh(sRaw[k]), free = 1 - m[i];
                eds2[k] = ds0[k] + free * dy[k] * x[k] * Math.Exp(th * free) * (1 - th * th);
            }
        Approx.Close(eds2, h.Read(ds2), 1e-5, 1e-5, "dsRaw without dLogdet");

        // Written, not added to: the poisoned outputs must not leak through.
        var (px, pds, pdt) = (h.Poisoned(n), h.Poisoned(n), h.Poisoned(n));
        h.K.AffineCouplingBackward(rows, dim, h.Upload(x), h.Upload(m), h.Upload(sRaw), h.Upload(dy), h.Upload(dl), px, pds, pdt, accumulate: false);
        Approx.Close(edx.Select((v, k) => v - dx0[k]).ToArray(), h.Read(px), 2e-6, 2e-6, "dx written");
        Approx.Close(eds.Select((v, k) => v - ds0[k]).ToArray(), h.Read(pds), 1e-5, 1e-5, "dsRaw written");
        Approx.Close(edt.Select((v, k) => v - dt0[k]).ToArray(), h.Read(pdt), 1e-6, 1e-7, "dt written");
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(Shapes))]
    [DeviceData("ilgpu-cpu", Member = nameof(Shapes))]
    [DeviceData("opencl:0", Member = nameof(Shapes))]
    [DeviceData("cuda:0", Member = nameof(Shapes))]
    public void AdditiveForwardInverseBackward(string device, int rows, int dim)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        int n = rows * dim;
        var x = TestData.Normal(21 + dim, n);
        var m = Mask(dim + 2, dim);
        var t = TestData.Normal(22 + dim, n);
        var y = h.Poisoned(n);
        var mb = h.Upload(m);
        var tb = h.Upload(t);
        h.K.AdditiveCoupling(rows, dim, h.Upload(x), mb, tb, y, 1f);
        var ey = x.Select((v, k) => v + (1.0 - m[k % dim]) * t[k]).ToArray();
        var yHost = h.Read(y);
        Approx.Close(ey, yHost, 1e-6, 1e-6, "additive y");
        var back = h.Poisoned(n);
        h.K.AdditiveCoupling(rows, dim, h.Upload(yHost), mb, tb, back, -1f);
        Approx.Close(TestData.ToDouble(x), h.Read(back), 1e-6, 1e-6, "additive inverse");

        var dy = TestData.Normal(23, n);
        var dx0 = TestData.Normal(24, n);
        var dt0 = TestData.Normal(25, n);
        var dx = h.Upload(dx0);
        var dt = h.Upload(dt0);
        h.K.AdditiveCouplingBackward(rows, dim, mb, h.Upload(dy), -1f, dx, dt);
        Approx.Close(dy.Select((g, k) => dx0[k] + (double)g).ToArray(), h.Read(dx), 1e-6, 1e-7, "additive dx");
        Approx.Close(dy.Select((g, k) => dt0[k] - (1.0 - m[k % dim]) * g).ToArray(), h.Read(dt), 1e-6, 1e-7, "additive dt");
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(Shapes))]
    [DeviceData("ilgpu-cpu", Member = nameof(Shapes))]
    [DeviceData("opencl:0", Member = nameof(Shapes))]
    [DeviceData("cuda:0", Member = nameof(Shapes))]
    public void DequantizeLogitAndLogdet(string device, int rows, int dim)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        int n = rows * dim;
        var v = TestData.Ints(31 + dim, n, 0, 256).Select(i => (float)i).ToArray();
        var u = TestData.Uniform(32 + dim, n, 0f, 0.999f);
        const float alpha = 0.05f;
        var y = h.Poisoned(n);
        var ld = h.Poisoned(rows);
        h.K.DequantizeLogit(rows, dim, h.Upload(v), h.Upload(u), alpha, 256f, y, ld);
        var ey = new double[n];
        var eld = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            eld[r] = dim * (Math.Log(1 - 2 * alpha) - Math.Log(256));
            for (int i = 0; i < dim; i++)
            {
                int k = r * dim + i;
                double p = alpha + (1 - 2 * alpha) * (v[k] + (double)u[k]) / 256;
                ey[k] = Math.Log(p) - Math.Log(1 - p);
                eld[r] -= Math.Log(p) + Math.Log(1 - p);
            }
        }
        Approx.Close(ey, h.Read(y), 1e-5, 1e-5, "logit y");
        Approx.Close(eld, h.Read(ld), 1e-5, 1e-4, "logit logdet");
    }
}
