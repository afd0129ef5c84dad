using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

public class LossTests
{
    private const float DLoss = 0.7f;

    [Theory]
    [DeviceData("cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("ilgpu-cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("opencl:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("cuda:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    public void MseAndBackward(string device, int n)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var p = TestData.Normal(30, n);
        var t = TestData.Normal(31, n);
        float scale = 1f / n;
        var loss = h.Poisoned(1);
        h.K.MseLoss(n, h.Upload(p), h.Upload(t), loss, scale);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += ((double)p[i] - t[i]) * ((double)p[i] - t[i]);
        Approx.Close(scale * sum, h.Read(loss)[0], 1e-6, 0, "mse");

        var d0 = TestData.Normal(32, n);
        var d = h.Upload(d0);
        h.K.MseLossBackward(n, h.Upload(p), h.Upload(t), h.Scalar(DLoss), d, scale);
        Approx.Close(p.Select((v, i) => d0[i] + 2.0 * scale * ((double)v - t[i]) * DLoss).ToArray(), h.Read(d), 1e-6, 1e-7, "mse backward");
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("ilgpu-cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("opencl:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("cuda:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    public void BceWithLogitsAndBackward(string device, int n)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        // Logits up to ±40 (e^−|x| far below float epsilon: the log1p path), targets in [0, 1] and exact 0/1.
        var x = TestData.Uniform(33, n, -40f, 40f);
        for (int i = 0; i < n; i += 3) x[i] /= 10f;
        var z = TestData.Uniform(34, n, 0f, 1f);
        for (int i = 0; i < n; i += 2) z[i] = x[i] > 0 ? 1f : 0f;
        float scale = 1f / n;
        var loss = h.Poisoned(1);
        h.K.BceWithLogitsLoss(n, h.Upload(x), h.Upload(z), loss, scale);
        double sum = 0, abs = 0;
        for (int i = 0; i < n; i++)
        {
            double term = Math.Max(x[i], 0) - (double)x[i] * z[i] + Math.Log(1 + Math.Exp(-Math.Abs((double)x[i])));
            sum += term;
            abs += Math.Abs(x[i]) + Math.Abs(term);
        }
        Approx.Close(scale * sum, h.Read(loss)[0], 1e-6, 0, "bce", scale * abs);

        var d0 = TestData.Normal(35, n);
        var d = h.Upload(d0);
        h.K.BceWithLogitsLossBackward(n, h.Upload(x), h.Upload(z), h.Scalar(DLoss), d, scale);
        Approx.Close(x.Select((v, i) => d0[i] + scale * (1 / (1 + Math.Exp(-(double)v)) - z[i]) * DLoss).ToArray(), h.Read(d), 1e-6, 1e-7, "bce backward");
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void BceKeepsTinyLossesAccurate(string device)
    {
        // Correct, confident predictions: each term is ln(1 + e^−|x|) ≈ e^−|x| ≈ 2·10⁻⁹, far below float
        // epsilon relative to 1, so a plain log(1 + u) would return 0.
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = Enumerable.Repeat(20f, 64).ToArray();
        var loss = h.Poisoned(1);
        h.K.BceWithLogitsLoss(64, h.Upload(x), h.Upload(Enumerable.Repeat(1f, 64).ToArray()), loss, 1f);
        Approx.Close(64 * Math.Log(1 + Math.Exp(-20.0)), h.Read(loss)[0], 1e-5, 0, "tiny bce");
    }

    public static IEnumerable<object[]> CrossEntropyShapes() =>
        new[] { (1, 1), (7, 33), (130, 10), (257, 256), (5, 1500), (400, 256) }.Select(s => new object[] { s.Item1, s.Item2 });

    [Theory]
    [DeviceData("cpu", Member = nameof(CrossEntropyShapes))]
    [DeviceData("ilgpu-cpu", Member = nameof(CrossEntropyShapes))]
    [DeviceData("opencl:0", Member = nameof(CrossEntropyShapes))]
    [DeviceData("cuda:0", Member = nameof(CrossEntropyShapes))]
    public void SoftmaxCrossEntropyAndBackward(string device, int rows, int cols)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = TestData.Uniform(36, rows * cols, -8f, 8f);
        for (int c = 0; c < cols; c++) x[c] += 90f; // would overflow without the max shift
        var labels = TestData.Ints(37, rows, 0, cols);
        float scale = 1f / rows;
        var loss = h.Poisoned(1);
        h.K.SoftmaxCrossEntropy(rows, cols, h.Upload(x), h.Upload(labels), loss, scale);
        double sum = 0, abs = 0;
        var grad = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, s = 0;
            for (int c = 0; c < cols; c++) max = Math.Max(max, x[r * cols + c]);
            for (int c = 0; c < cols; c++) s += Math.Exp(x[r * cols + c] - max);
            double lse = max + Math.Log(s);
            sum += lse - x[r * cols + labels[r]];
            abs += Math.Abs(lse) + Math.Abs(x[r * cols + labels[r]]);
            for (int c = 0; c < cols; c++)
                grad[r * cols + c] = Math.Exp(x[r * cols + c] - lse) - (c == labels[r] ? 1 : 0);
        }
        Approx.Close(scale * sum, h.Read(loss)[0], 1e-6, 0, "cross entropy", scale * abs);

        var d0 = TestData.Normal(38, rows * cols);
        var d = h.Upload(d0);
        h.K.SoftmaxCrossEntropyBackward(rows, cols, h.Upload(x), h.Upload(labels), h.Scalar(DLoss), d, scale);
        Approx.Close(grad.Select((g, i) => d0[i] + scale * g * DLoss).ToArray(), h.Read(d), 1e-5, 1e-7, "cross entropy backward");
    }

    [Fact]
    public void CrossEntropyRejectsLabelsOutOfRange()
    {
        using var h = new KernelHarness();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            h.K.SoftmaxCrossEntropy(2, 3, h.Upload(new float[6]), h.Upload(new[] { 0, 3 }), h.Poisoned(1), 1f));
        Assert.Equal("labels", ex.ParamName);
    }

    [Theory]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void DeviceCrossEntropyTurnsBadLabelsIntoNaN(string device)
    {
        // A device cannot throw without a round trip: the loss is NaN, and the bad label is never an index.
        using var h = new KernelHarness(TestBackends.Get(device));
        var loss = h.Scalar(0f);
        h.K.SoftmaxCrossEntropy(2, 3, h.Upload(new float[6]), h.Upload(new[] { 0, 3 }), loss, 1f);
        Assert.True(float.IsNaN(h.Read(loss)[0]));
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("ilgpu-cpu", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("opencl:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    [DeviceData("cuda:0", Member = nameof(TestData.Sizes), MemberType = typeof(TestData))]
    public void GaussianKlAndBackward(string device, int n)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var mu = TestData.Normal(39, n);
        var lv = TestData.Uniform(40, n, -4f, 3f);
        float scale = 1f / n;
        var loss = h.Poisoned(1);
        h.K.GaussianKl(n, h.Upload(mu), h.Upload(lv), loss, scale);
        double sum = 0, abs = 0;
        for (int i = 0; i < n; i++)
        {
            double term = -0.5 * (1 + lv[i] - (double)mu[i] * mu[i] - Math.Exp(lv[i]));
            sum += term;
            abs += Math.Abs(term);
        }
        Approx.Close(scale * sum, h.Read(loss)[0], 1e-6, 0, "kl", scale * abs);

        var dMu0 = TestData.Normal(41, n);
        var dLv0 = TestData.Normal(42, n);
        var dMu = h.Upload(dMu0);
        var dLv = h.Upload(dLv0);
        h.K.GaussianKlBackward(n, h.Upload(mu), h.Upload(lv), h.Scalar(DLoss), dMu, dLv, scale);
        Approx.Close(mu.Select((m, i) => dMu0[i] + (double)scale * m * DLoss).ToArray(), h.Read(dMu), 1e-6, 1e-7, "kl dmu");
        Approx.Close(lv.Select((l, i) => dLv0[i] + scale * 0.5 * (Math.Exp(l) - 1) * DLoss).ToArray(), h.Read(dLv), 1e-6, 1e-7, "kl dlogvar");
    }
}
