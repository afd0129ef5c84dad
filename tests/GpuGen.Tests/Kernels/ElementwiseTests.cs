using GpuGen.Backends;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

public class ElementwiseTests
{
    public static IEnumerable<object[]> UnaryCases() =>
        from op in Enum.GetValues<UnaryOp>()
        from n in TestData.AwkwardSizes
        from acc in new[] { false, true }
        select new object[] { op, n, acc };

    /// <summary>Inputs cover each op's domain, including GELU's far tails and SiLU/σ saturation.</summary>
    private static float[] Inputs(UnaryOp op, int seed, int n) =>
        op == UnaryOp.Log ? TestData.Uniform(seed, n, 1e-3f, 50f) : TestData.Uniform(seed, n, -9f, 9f);

    [Theory]
    [DeviceData("cpu", Member = nameof(UnaryCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(UnaryCases))]
    [DeviceData("opencl:0", Member = nameof(UnaryCases))]
    [DeviceData("cuda:0", Member = nameof(UnaryCases))]
    public void UnaryMatchesReference(string device, UnaryOp op, int n, bool accumulate)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        float p = op == UnaryOp.LeakyRelu ? 0.2f : -1.7f;
        var x = Inputs(op, 1, n);
        var y0 = TestData.Uniform(2, n);
        var y = accumulate ? h.Upload(y0) : h.Poisoned(n);
        h.K.Unary(op, n, h.Upload(x), y, p, accumulate);
        var expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = Reference.Unary(op, x[i], p) + (accumulate ? y0[i] : 0);
        Approx.Close(expected, h.Read(y), 1e-5, 1e-6, $"{op} n={n} acc={accumulate}");
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(UnaryCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(UnaryCases))]
    [DeviceData("opencl:0", Member = nameof(UnaryCases))]
    [DeviceData("cuda:0", Member = nameof(UnaryCases))]
    public void UnaryBackwardMatchesReference(string device, UnaryOp op, int n, bool accumulate)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        float p = op == UnaryOp.LeakyRelu ? 0.2f : -1.7f;
        var x = Inputs(op, 3, n);
        var y = Array.ConvertAll(x, v => (float)Reference.Unary(op, v, p));
        var dy = TestData.Normal(4, n);
        var dx0 = TestData.Normal(5, n);
        // Without accumulate dx is written and never read, so it starts NaN-poisoned.
        var dx = accumulate ? h.Upload(dx0) : h.Poisoned(n);
        h.K.UnaryBackward(op, n, h.Upload(x), h.Upload(y), h.Upload(dy), dx, p, accumulate);
        var expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = (accumulate ? dx0[i] : 0) + Reference.Derivative(op, x[i], p) * dy[i];
        Approx.Close(expected, h.Read(dx), 1e-5, 2e-6, $"d{op} n={n} acc={accumulate}");
    }

    [Fact]
    public void ReferenceDerivativesAgreeWithFiniteDifferences()
    {
        // Guards the references themselves: f' against central differences of f in float64.
        foreach (var op in Enum.GetValues<UnaryOp>())
            foreach (double x in new[] { -3.1, -0.7, 0.4, 1.3, 2.9 })
            {
                if (op == UnaryOp.Log && x <= 0) continue;
                const double step = 1e-6;
                double fd = (Reference.Unary(op, x + step, 0.2) - Reference.Unary(op, x - step, 0.2)) / (2 * step);
                Assert.True(Math.Abs(fd - Reference.Derivative(op, x, 0.2)) < 1e-6 * (1 + Math.Abs(fd)), $"{op} at {x}: fd {fd}");
            }
        Assert.Equal(0.841344746068543, Reference.Phi(1), 12); // Φ(1), tabulated
        Assert.Equal(0.9999683287581669, Reference.Phi(4), 12); // Φ(4), tabulated
        Assert.True(Math.Abs(Reference.Erfc(4) / 1.541725790028002e-8 - 1) < 1e-8); // erfc(4), tabulated
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("ilgpu-cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("opencl:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("cuda:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    public void FillWritesEveryElement(string device, int n)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = h.Poisoned(n);
        h.K.Fill(n, 2.5f, x);
        Approx.Close(Enumerable.Repeat(2.5, n).ToArray(), h.Read(x), 0, 0, "fill");
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("ilgpu-cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("opencl:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("cuda:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    public void AxpbyMatchesReference(string device, int n)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = TestData.Normal(6, n);
        var y0 = TestData.Normal(7, n);
        var y = h.Upload(y0);
        h.K.Axpby(n, 1.5f, h.Upload(x), -0.25f, y);
        Approx.Close(x.Select((v, i) => 1.5 * v - 0.25 * y0[i]).ToArray(), h.Read(y), 1e-6, 1e-7, "axpby");

        var fresh = h.Poisoned(n); // beta = 0: the NaN in y must not be read
        h.K.Axpby(n, 1.5f, h.Upload(x), 0f, fresh);
        Approx.Close(x.Select(v => 1.5 * v).ToArray(), h.Read(fresh), 1e-7, 0, "axpby beta=0");
    }

    public static IEnumerable<object[]> BinaryCases() =>
        from op in Enum.GetValues<BinaryOp>()
        from b in Enum.GetValues<Broadcast>()
        from shape in new[] { (1, 1), (7, 33), (33, 7), (130, 257), (101, 1003) }
        from acc in new[] { false, true }
        select new object[] { op, b, shape.Item1, shape.Item2, acc };

    [Theory]
    [DeviceData("cpu", Member = nameof(BinaryCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(BinaryCases))]
    [DeviceData("opencl:0", Member = nameof(BinaryCases))]
    [DeviceData("cuda:0", Member = nameof(BinaryCases))]
    public void BinaryMatchesReference(string device, BinaryOp op, Broadcast broadcast, int rows, int cols, bool accumulate)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        int n = rows * cols;
        int bn = broadcast switch { Broadcast.None => n, Broadcast.Row => cols, Broadcast.Column => rows, _ => 1 };
        var a = TestData.Normal(8, n);
        var b = TestData.Normal(9, bn);
        var y0 = TestData.Normal(10, n);
        var y = accumulate ? h.Upload(y0) : h.Poisoned(n);
        h.K.Binary(op, rows, cols, h.Upload(a), h.Upload(b), broadcast, y, accumulate);
        var expected = new double[n];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                int i = r * cols + c;
                double bv = broadcast switch { Broadcast.None => b[i], Broadcast.Row => b[c], Broadcast.Column => b[r], _ => b[0] };
                double v = op switch { BinaryOp.Add => a[i] + bv, BinaryOp.Sub => a[i] - bv, _ => a[i] * bv };
                expected[i] = v + (accumulate ? y0[i] : 0);
            }
        Approx.Close(expected, h.Read(y), 1e-6, 1e-6, $"{op} {broadcast} {rows}x{cols} acc={accumulate}");
    }

    [Theory]
    [DeviceData("cpu", 1, 1, 0, 1, 0, 1, false)]
    [DeviceData("cpu", 7, 33, 5, 40, 3, 35, false)]
    [DeviceData("cpu", 7, 33, 5, 40, 3, 35, true)]
    [DeviceData("cpu", 130, 17, 0, 17, 11, 64, false)]
    [DeviceData("cpu", 257, 130, 9, 131, 2, 300, true)]
    [DeviceData("cpu", 400, 257, 1, 300, 7, 257, false)]
    [DeviceData("ilgpu-cpu", 1, 1, 0, 1, 0, 1, false)]
    [DeviceData("opencl:0", 1, 1, 0, 1, 0, 1, false)]
    [DeviceData("cuda:0", 1, 1, 0, 1, 0, 1, false)]
    [DeviceData("ilgpu-cpu", 7, 33, 5, 40, 3, 35, false)]
    [DeviceData("opencl:0", 7, 33, 5, 40, 3, 35, false)]
    [DeviceData("cuda:0", 7, 33, 5, 40, 3, 35, false)]
    [DeviceData("ilgpu-cpu", 7, 33, 5, 40, 3, 35, true)]
    [DeviceData("opencl:0", 7, 33, 5, 40, 3, 35, true)]
    [DeviceData("cuda:0", 7, 33, 5, 40, 3, 35, true)]
    [DeviceData("ilgpu-cpu", 130, 17, 0, 17, 11, 64, false)]
    [DeviceData("opencl:0", 130, 17, 0, 17, 11, 64, false)]
    [DeviceData("cuda:0", 130, 17, 0, 17, 11, 64, false)]
    [DeviceData("ilgpu-cpu", 257, 130, 9, 131, 2, 300, true)]
    [DeviceData("opencl:0", 257, 130, 9, 131, 2, 300, true)]
    [DeviceData("cuda:0", 257, 130, 9, 131, 2, 300, true)]
    [DeviceData("ilgpu-cpu", 400, 257, 1, 300, 7, 257, false)]
    [DeviceData("opencl:0", 400, 257, 1, 300, 7, 257, false)]
    [DeviceData("cuda:0", 400, 257, 1, 300, 7, 257, false)]
    public void Copy2dWritesOnlyTheBlock(string device, int rows, int cols, int srcOffset, int srcStride, int dstOffset, int dstStride, bool accumulate)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        int srcLen = srcOffset + (rows - 1) * srcStride + cols + 3, dstLen = dstOffset + (rows - 1) * dstStride + cols + 5;
        var src = TestData.Normal(11, srcLen);
        // Without accumulate the block starts poisoned and everything else must stay NaN;
        // with accumulate the destination starts random and only the block may change.
        var dst0 = accumulate ? TestData.Normal(12, dstLen) : Enumerable.Repeat(float.NaN, dstLen).ToArray();
        var dst = h.Upload(dst0);
        h.K.Copy2d(rows, cols, h.Upload(src), srcOffset, srcStride, dst, dstOffset, dstStride, accumulate);
        var expected = TestData.ToDouble(dst0);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = src[srcOffset + r * srcStride + c];
                int d = dstOffset + r * dstStride + c;
                expected[d] = accumulate ? expected[d] + v : v;
            }
        Approx.Close(expected, h.Read(dst), 1e-7, 1e-6, "copy2d");
    }
}
