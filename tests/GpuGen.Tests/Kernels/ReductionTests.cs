using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

public class ReductionTests
{
    [Theory]
    [DeviceData("cpu", 1, 1, 1)]
    [DeviceData("cpu", 1, 7, 1)]
    [DeviceData("cpu", 33, 130, 1)]
    [DeviceData("cpu", 1, 100_003, 1)]
    [DeviceData("cpu", 1, 1, 257)]
    [DeviceData("cpu", 1, 1024, 128)]
    [DeviceData("cpu", 3, 5, 130)]
    [DeviceData("cpu", 2, 257, 7)]
    [DeviceData("cpu", 4, 3, 1100)]
    [DeviceData("cpu", 64, 33, 64)]
    [DeviceData("cpu", 5, 0, 3)]
    [DeviceData("ilgpu-cpu", 1, 1, 1)]
    [DeviceData("opencl:0", 1, 1, 1)]
    [DeviceData("cuda:0", 1, 1, 1)]
    [DeviceData("ilgpu-cpu", 1, 7, 1)]
    [DeviceData("opencl:0", 1, 7, 1)]
    [DeviceData("cuda:0", 1, 7, 1)]
    [DeviceData("ilgpu-cpu", 33, 130, 1)]
    [DeviceData("opencl:0", 33, 130, 1)]
    [DeviceData("cuda:0", 33, 130, 1)]
    [DeviceData("ilgpu-cpu", 1, 100_003, 1)]
    [DeviceData("opencl:0", 1, 100_003, 1)]
    [DeviceData("cuda:0", 1, 100_003, 1)]
    [DeviceData("ilgpu-cpu", 1, 1, 257)]
    [DeviceData("opencl:0", 1, 1, 257)]
    [DeviceData("cuda:0", 1, 1, 257)]
    [DeviceData("ilgpu-cpu", 1, 1024, 128)]
    [DeviceData("opencl:0", 1, 1024, 128)]
    [DeviceData("cuda:0", 1, 1024, 128)]
    [DeviceData("ilgpu-cpu", 3, 5, 130)]
    [DeviceData("opencl:0", 3, 5, 130)]
    [DeviceData("cuda:0", 3, 5, 130)]
    [DeviceData("ilgpu-cpu", 2, 257, 7)]
    [DeviceData("opencl:0", 2, 257, 7)]
    [DeviceData("cuda:0", 2, 257, 7)]
    [DeviceData("ilgpu-cpu", 4, 3, 1100)]
    [DeviceData("opencl:0", 4, 3, 1100)]
    [DeviceData("cuda:0", 4, 3, 1100)]
    [DeviceData("ilgpu-cpu", 64, 33, 64)]
    [DeviceData("opencl:0", 64, 33, 64)]
    [DeviceData("cuda:0", 64, 33, 64)]
    [DeviceData("ilgpu-cpu", 5, 0, 3)]
    [DeviceData("opencl:0", 5, 0, 3)]
    [DeviceData("cuda:0", 5, 0, 3)]
    public void ReduceSumMatchesReference(string device, int outer, int mid, int inner)
    {
        foreach (bool accumulate in new[] { false, true })
        {
            using var h = new KernelHarness(TestBackends.Get(device));
            var x = TestData.Normal(20, outer * mid * inner);
            var y0 = TestData.Normal(21, outer * inner);
            var y = accumulate ? h.Upload(y0) : h.Poisoned(outer * inner);
            const float alpha = 0.75f;
            h.K.ReduceSum(outer, mid, inner, h.Upload(x.Length == 0 ? [0f] : x), y, alpha, accumulate);
            var expected = new double[outer * inner];
            var scale = new double[outer * inner];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    double s = 0, abs = 0;
                    for (int m = 0; m < mid; m++)
                    {
                        double v = x[(o * mid + m) * inner + i];
                        s += v;
                        abs += Math.Abs(v);
                    }
                    int k = o * inner + i;
                    expected[k] = alpha * s + (accumulate ? y0[k] : 0);
                    scale[k] = alpha * abs + Math.Abs(expected[k]);
                }
            Approx.Close(expected, h.Read(y), 1e-6, 1e-7, $"reduce {outer}x{mid}x{inner} acc={accumulate}", scale);
        }
    }

    public static IEnumerable<object[]> SoftmaxCases() =>
        from shape in new[] { (1, 1), (7, 33), (33, 7), (130, 257), (3, 1500), (1000, 101) }
        from log in new[] { false, true }
        select new object[] { shape.Item1, shape.Item2, log };

    /// <summary>Logits in [−10, 10], and row 0 shifted by +80 (e^90 overflows float: the max must be subtracted).</summary>
    private static float[] Logits(int seed, int rows, int cols)
    {
        var x = TestData.Uniform(seed, rows * cols, -10f, 10f);
        for (int c = 0; c < cols; c++) x[c] += 80f;
        return x;
    }

    private static double[] SoftmaxReference(double[] x, int rows, int cols, bool log)
    {
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * cols, cols);
            double max = double.NegativeInfinity, sum = 0;
            foreach (double v in row) max = Math.Max(max, v);
            foreach (double v in row) sum += Math.Exp(v - max);
            for (int c = 0; c < cols; c++) y[r * cols + c] = log ? row[c] - max - Math.Log(sum) : Math.Exp(row[c] - max) / sum;
        }
        return y;
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(SoftmaxCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(SoftmaxCases))]
    [DeviceData("opencl:0", Member = nameof(SoftmaxCases))]
    [DeviceData("cuda:0", Member = nameof(SoftmaxCases))]
    public void SoftmaxMatchesReference(string device, int rows, int cols, bool log)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = Logits(22, rows, cols);
        var y = h.Poisoned(rows * cols);
        h.K.Softmax(rows, cols, h.Upload(x), y, log);
        Approx.Close(SoftmaxReference(TestData.ToDouble(x), rows, cols, log), h.Read(y), 1e-5, log ? 2e-6 : 1e-8, $"softmax log={log}");
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void SoftmaxInPlace(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = Logits(23, 9, 77);
        foreach (bool log in new[] { false, true })
        {
            var buffer = h.Upload(x);
            h.K.Softmax(9, 77, buffer, buffer, log);
            Approx.Close(SoftmaxReference(TestData.ToDouble(x), 9, 77, log), h.Read(buffer), 1e-5, 2e-6, $"in place log={log}");
        }
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(SoftmaxCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(SoftmaxCases))]
    [DeviceData("opencl:0", Member = nameof(SoftmaxCases))]
    [DeviceData("cuda:0", Member = nameof(SoftmaxCases))]
    public void SoftmaxBackwardMatchesReference(string device, int rows, int cols, bool log)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var yd = SoftmaxReference(TestData.ToDouble(Logits(24, rows, cols)), rows, cols, log);
        var y = Array.ConvertAll(yd, v => (float)v);
        var dy = TestData.Normal(25, rows * cols);
        var dx0 = TestData.Normal(26, rows * cols);
        var dx = h.Upload(dx0);
        h.K.SoftmaxBackward(rows, cols, h.Upload(y), h.Upload(dy), dx, log);
        var expected = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < cols; c++) s += log ? dy[r * cols + c] : (double)dy[r * cols + c] * y[r * cols + c];
            for (int c = 0; c < cols; c++)
            {
                int i = r * cols + c;
                expected[i] = dx0[i] + (log ? dy[i] - Math.Exp(y[i]) * s : y[i] * (dy[i] - s));
            }
        }
        Approx.Close(expected, h.Read(dx), 1e-5, 1e-5, $"softmax backward log={log}");
    }

    [Theory]
    [DeviceData("cpu", false)]
    [DeviceData("cpu", true)]
    [DeviceData("ilgpu-cpu", false)]
    [DeviceData("opencl:0", false)]
    [DeviceData("cuda:0", false)]
    [DeviceData("ilgpu-cpu", true)]
    [DeviceData("opencl:0", true)]
    [DeviceData("cuda:0", true)]
    public void SoftmaxBackwardMatchesFiniteDifferences(string device, bool log)
    {
        // L(x) = Σ w ⊙ softmax(x) in float64; the kernel's dx (from 0) must equal ∂L/∂x by central differences.
        const int rows = 3, cols = 11;
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = TestData.ToDouble(TestData.Uniform(27, rows * cols, -3f, 3f));
        var w = TestData.Normal(28, rows * cols);
        var y = Array.ConvertAll(SoftmaxReference(x, rows, cols, log), v => (float)v);
        var dx = h.Upload(new float[rows * cols]);
        h.K.SoftmaxBackward(rows, cols, h.Upload(y), h.Upload(w), dx, log);
        double Loss(double[] xs) => SoftmaxReference(xs, rows, cols, log).Select((v, i) => v * w[i]).Sum();
        var fd = new double[rows * cols];
        for (int i = 0; i < fd.Length; i++)
        {
            const double step = 1e-5;
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += step;
            minus[i] -= step;
            fd[i] = (Loss(plus) - Loss(minus)) / (2 * step);
        }
        Approx.Close(fd, h.Read(dx), 1e-4, 1e-5, $"softmax backward vs finite differences log={log}");
    }
}
