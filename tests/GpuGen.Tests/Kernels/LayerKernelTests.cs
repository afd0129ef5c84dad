using GpuGen.Random;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// Pooling, upsampling, GroupNorm, BatchNorm, embedding and dropout kernels against float64
/// references written from the definitions, on awkward shapes (batch 1 and 5, odd sizes, one group,
/// one channel per group), with poisoned outputs and backward kernels accumulating onto random values.
/// </summary>
public class LayerKernelTests
{
    // ---- pooling and upsampling -----------------------------------------------------------------------

    public static TheoryData<int, int, int> PoolCases => new()
    {
        { 1, 2, 2 },
        { 15, 7, 9 },
        { 5, 28, 28 },
        { 3, 1, 6 },
        { 128, 30, 31 },
    };

    [Theory]
    [DeviceData("cpu", Member = nameof(PoolCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(PoolCases))]
    [DeviceData("opencl:0", Member = nameof(PoolCases))]
    [DeviceData("cuda:0", Member = nameof(PoolCases))]
    public void AvgPool2x2FloorsLikePyTorch(string device, int planes, int h, int w)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        int ho = h / 2, wo = w / 2;
        var x = TestData.Normal(1 + planes + h, planes * h * w);
        var y = hk.Poisoned(Math.Max(1, planes * ho * wo));
        hk.K.AvgPool2x2(planes, h, w, hk.Upload(x), y);
        var expected = Enumerable.Repeat(double.NaN, (int)y.Length).ToArray();
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < ho; i++)
                for (int j = 0; j < wo; j++)
                {
                    double s = 0;
                    for (int a = 0; a < 2; a++)
                        for (int b = 0; b < 2; b++) s += x[(p * h + 2 * i + a) * w + 2 * j + b];
                    expected[(p * ho + i) * wo + j] = s / 4;
                }
        Approx.Close(expected, hk.Read(y), 1e-6, 1e-7, $"avgpool {planes}x{h}x{w}");

        // Backward accumulates onto dx; the odd last row / column (never read) keeps its value.
        var dy = TestData.Normal(2 + planes, Math.Max(1, planes * ho * wo));
        var dx0 = TestData.Uniform(3 + planes, planes * h * w);
        var dx = hk.Upload(dx0);
        hk.K.AvgPool2x2Backward(planes, h, w, hk.Upload(dy), dx);
        var dxExpected = TestData.ToDouble(dx0);
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < ho; i++)
                for (int j = 0; j < wo; j++)
                    for (int a = 0; a < 2; a++)
                        for (int b = 0; b < 2; b++) dxExpected[(p * h + 2 * i + a) * w + 2 * j + b] += dy[(p * ho + i) * wo + j] / 4.0;
        Approx.Close(dxExpected, hk.Read(dx), 1e-6, 1e-7, $"avgpool backward {planes}x{h}x{w}");
    }

    public static TheoryData<int, int, int> UpsampleCases => new()
    {
        { 1, 1, 1 },
        { 15, 7, 5 },
        { 64, 7, 7 },
        { 200, 14, 15 },
    };

    [Theory]
    [DeviceData("cpu", Member = nameof(UpsampleCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(UpsampleCases))]
    [DeviceData("opencl:0", Member = nameof(UpsampleCases))]
    [DeviceData("cuda:0", Member = nameof(UpsampleCases))]
    public void UpsampleNearest2xCopiesAndSumsBlocks(string device, int planes, int h, int w)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        var x = TestData.Normal(10 + planes, planes * h * w);
        var y = hk.Poisoned(planes * h * w * 4);
        hk.K.UpsampleNearest2x(planes, h, w, hk.Upload(x), y);
        var expected = new double[planes * h * w * 4];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < 2 * h; i++)
                for (int j = 0; j < 2 * w; j++) expected[(p * 2 * h + i) * 2 * w + j] = x[(p * h + i / 2) * w + j / 2];
        Approx.Close(expected, hk.Read(y), 0, 0, $"upsample {planes}x{h}x{w}");

        var dy = TestData.Normal(11 + planes, planes * h * w * 4);
        var dx0 = TestData.Uniform(12 + planes, planes * h * w);
        var dx = hk.Upload(dx0);
        hk.K.UpsampleNearest2xBackward(planes, h, w, hk.Upload(dy), dx);
        var dxExpected = TestData.ToDouble(dx0);
        var scale = dx0.Select(v => (double)Math.Abs(v)).ToArray();
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < 2 * h; i++)
                for (int j = 0; j < 2 * w; j++)
                {
                    int k = (p * h + i / 2) * w + j / 2;
                    double g = dy[(p * 2 * h + i) * 2 * w + j];
                    dxExpected[k] += g;
                    scale[k] += Math.Abs(g);
                }
        Approx.Close(dxExpected, hk.Read(dx), 1e-6, 0, $"upsample backward {planes}x{h}x{w}", scale);

        // Without accumulate dx is written, never read: a NaN-poisoned dx (with a tail that must stay NaN) gets Σ dy alone.
        const int tail = 3;
        var dxNew = hk.Poisoned(planes * h * w + tail);
        hk.K.UpsampleNearest2xBackward(planes, h, w, hk.Upload(dy), dxNew, accumulate: false);
        double[] written = [.. dxExpected.Select((v, k) => v - dx0[k]), .. Enumerable.Repeat(double.NaN, tail)];
        Approx.Close(written, hk.Read(dxNew), 1e-6, 0, $"upsample backward overwrite {planes}x{h}x{w}", [.. scale, .. new double[tail]]);
    }

    // ---- GroupNorm ----------------------------------------------------------------------------------------

    public static TheoryData<int, int, int, int, bool> GroupNormCases => new()
    {
        { 1, 32, 63, 8, true },   // batch 1, 8 groups of 4
        { 5, 32, 63, 8, true },   // batch 5
        { 5, 6, 35, 1, true },    // one group (LayerNorm over C·H·W)
        { 3, 7, 13, 7, true },    // one channel per group (InstanceNorm), odd sizes
        { 2, 12, 1, 3, false },   // 1×1 images, no affine
        { 64, 32, 196, 8, true }, // the UNet's 14×14 level: multi-core path
    };

    [Theory]
    [DeviceData("cpu", Member = nameof(GroupNormCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(GroupNormCases))]
    [DeviceData("opencl:0", Member = nameof(GroupNormCases))]
    [DeviceData("cuda:0", Member = nameof(GroupNormCases))]
    public void GroupNormForwardAndBackwardMatchReference(string device, int batch, int channels, int spatial, int groups, bool affine)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        int n = batch * channels * spatial, seed = batch * 97 + channels * 7 + spatial + groups;
        // An offset mean (3) checks that the statistics are centred before squaring.
        var x = TestData.Normal(seed, n, mean: 3f, std: 0.7f);
        var gamma = affine ? TestData.Uniform(seed + 1, channels, 0.5f, 1.5f) : null;
        var beta = affine ? TestData.Uniform(seed + 2, channels) : null;
        var (yBuf, meanBuf, rstdBuf) = (hk.Poisoned(n), hk.Poisoned(batch * groups), hk.Poisoned(batch * groups));
        var xBuf = hk.Upload(x);
        var gBuf = gamma is null ? null : hk.Upload(gamma);
        hk.K.GroupNormForward(batch, channels, spatial, groups, 1e-5f, xBuf, gBuf, beta is null ? null : hk.Upload(beta), yBuf, meanBuf, rstdBuf);

        int cg = channels / groups, m = cg * spatial;
        var mean = new double[batch * groups];
        var rstd = new double[batch * groups];
        var y = new double[n];
        var xhat = new double[n];
        for (int t = 0; t < batch * groups; t++)
        {
            var block = Enumerable.Range(t * m, m);
            double mu = block.Average(i => (double)x[i]);
            double variance = block.Average(i => (x[i] - mu) * (x[i] - mu));
            mean[t] = mu;
            rstd[t] = 1 / Math.Sqrt(variance + 1e-5);
            foreach (int i in block)
            {
                int c = i / spatial % channels;
                xhat[i] = (x[i] - mu) * rstd[t];
                y[i] = xhat[i] * (gamma?[c] ?? 1) + (beta?[c] ?? 0);
            }
        }
        Approx.Close(mean, hk.Read(meanBuf), 1e-6, 1e-7, "group mean");
        Approx.Close(rstd, hk.Read(rstdBuf), 2e-6, 0, "group rstd");
        Approx.Close(y, hk.Read(yBuf), 5e-6, 5e-6, "group norm y");

        // With silu: y·σ(y) from the same statistics, into a poisoned buffer whose tail must stay NaN.
        const int siluTail = 3;
        var (aBuf, mean2, rstd2) = (hk.Poisoned(n + siluTail), hk.Poisoned(batch * groups), hk.Poisoned(batch * groups));
        hk.K.GroupNormForward(batch, channels, spatial, groups, 1e-5f, xBuf, gBuf, beta is null ? null : hk.Upload(beta), aBuf, mean2, rstd2, silu: true);
        double[] activated = [.. y.Select(v => v / (1 + Math.Exp(-v))), .. Enumerable.Repeat(double.NaN, siluTail)];
        Approx.Close(activated, hk.Read(aBuf), 1e-5, 5e-6, "group norm silu");
        Approx.Close(rstd, hk.Read(rstd2), 2e-6, 0, "group rstd (silu)");

        // Backward onto random initial gradients: dx = rstd·(γdy − mean(γdy) − x̂·mean(γdy·x̂)) per block.
        var dy = TestData.Normal(seed + 3, n);
        var (dx0, dg0, db0) = (TestData.Uniform(seed + 4, n), TestData.Uniform(seed + 5, channels), TestData.Uniform(seed + 6, channels));
        var (dxBuf, dgBuf, dbBuf) = (hk.Upload(dx0), hk.Upload(dg0), hk.Upload(db0));
        hk.K.GroupNormBackward(batch, channels, spatial, groups, xBuf, gBuf, meanBuf, rstdBuf, hk.Upload(dy), dxBuf, dgBuf, dbBuf);
        var (dx, dg, db, dgScale, dbScale) = Backward(TestData.ToDouble(dy));
        // dx subtracts two group means from γ·dy; judge it against the size of its terms (≈ rstd·|dy|).
        double dxAtol = 2e-5 * dy.Max(v => Math.Abs(v)) * rstd.Max();

        // The reference backward of dL/dy = g onto dx0, dγ0, dβ0, with the scales of the sums for dγ, dβ.
        (double[] Dx, double[] Dg, double[] Db, double[] DgScale, double[] DbScale) Backward(double[] g)
        {
            var rdx = TestData.ToDouble(dx0);
            var rdg = TestData.ToDouble(dg0);
            var rdb = TestData.ToDouble(db0);
            var sg = dg0.Select(v => (double)Math.Abs(v)).ToArray();
            var sb = db0.Select(v => (double)Math.Abs(v)).ToArray();
            for (int t = 0; t < batch * groups; t++)
            {
                double sumG = 0, sumGx = 0;
                for (int i = t * m; i < (t + 1) * m; i++)
                {
                    double gc = gamma?[i / spatial % channels] ?? 1;
                    sumG += gc * g[i];
                    sumGx += gc * g[i] * xhat[i];
                }
                for (int i = t * m; i < (t + 1) * m; i++)
                {
                    int c = i / spatial % channels;
                    double gc = gamma?[c] ?? 1;
                    rdx[i] += rstd[t] * (gc * g[i] - sumG / m - xhat[i] * sumGx / m);
                    rdg[c] += g[i] * xhat[i];
                    rdb[c] += g[i];
                    sg[c] += Math.Abs(g[i] * xhat[i]);
                    sb[c] += Math.Abs(g[i]);
                }
            }
            return (rdx, rdg, rdb, sg, sb);
        }
        Approx.Close(dx, hk.Read(dxBuf), 1e-5, dxAtol, "group norm dx");
        Approx.Close(dg, hk.Read(dgBuf), 1e-5, 0, "group norm dgamma", dgScale);
        Approx.Close(db, hk.Read(dbBuf), 1e-5, 0, "group norm dbeta", dbScale);

        // Without accumulateDx: dx is written from a NaN-poisoned buffer (the tail past the end stays NaN); dγ, dβ still add.
        const int tail = 3;
        var dxNew = hk.Poisoned(n + tail);
        var (dg1, db1) = (hk.Upload(dg0), hk.Upload(db0));
        hk.K.GroupNormBackward(batch, channels, spatial, groups, xBuf, gBuf, meanBuf, rstdBuf, hk.Upload(dy), dxNew, dg1, db1, accumulateDx: false);
        Approx.Close([.. dx.Select((v, i) => v - dx0[i]), .. Enumerable.Repeat(double.NaN, tail)], hk.Read(dxNew), 1e-5, dxAtol, "group norm dx overwrite");
        Approx.Close(dg, hk.Read(dg1), 1e-5, 0, "group norm dgamma (dx overwritten)", dgScale);
        Approx.Close(db, hk.Read(db1), 1e-5, 0, "group norm dbeta (dx overwritten)", dbScale);

        // With silu dy is the gradient of SiLU(y): the kernel back-propagates dy·SiLU′(y), y recomputed from x, the statistics, γ, β.
        var dyThrough = dy.Select((d, i) =>
        {
            double s = 1 / (1 + Math.Exp(-y[i]));
            return d * s * (1 + y[i] * (1 - s));
        }).ToArray();
        var (sdx, sdg, sdb, sdgScale, sdbScale) = Backward(dyThrough);
        var dxSilu = hk.Poisoned(n + tail);
        var (dg2, db2) = (hk.Upload(dg0), hk.Upload(db0));
        hk.K.GroupNormBackward(batch, channels, spatial, groups, xBuf, gBuf, meanBuf, rstdBuf, hk.Upload(dy), dxSilu, dg2, db2,
            accumulateDx: false, silu: true, beta: beta is null ? null : hk.Upload(beta));
        Approx.Close([.. sdx.Select((v, i) => v - dx0[i]), .. Enumerable.Repeat(double.NaN, tail)], hk.Read(dxSilu), 1e-5, dxAtol, "group norm dx through silu");
        Approx.Close(sdg, hk.Read(dg2), 1e-5, 0, "group norm dgamma through silu", sdgScale);
        Approx.Close(sdb, hk.Read(db2), 1e-5, 0, "group norm dbeta through silu", sdbScale);

        // Null outputs are skipped: only dγ wanted.
        hk.K.GroupNormBackward(batch, channels, spatial, groups, xBuf, gBuf, meanBuf, rstdBuf, hk.Upload(dy), null, dgBuf, null);
        for (int c = 0; c < channels; c++) dgScale[c] *= 2;
        Approx.Close(dg.Select((v, c) => 2 * v - dg0[c]).ToArray(), hk.Read(dgBuf), 1e-5, 0, "group norm dgamma twice", dgScale);
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void GroupNormRejectsGroupsThatDoNotDivideChannels(string device)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            hk.K.GroupNormForward(2, 6, 4, 4, 1e-5f, hk.Poisoned(48), null, null, hk.Poisoned(48), hk.Poisoned(8), hk.Poisoned(8)));
        Assert.Equal("groups", ex.ParamName);
    }

    // ---- BatchNorm ------------------------------------------------------------------------------------------

    public static TheoryData<int, int, int> BatchNormCases => new()
    {
        { 1, 3, 35 },    // batch 1 (statistics over one image)
        { 5, 7, 33 },    // odd sizes
        { 2, 4, 1 },     // 1×1 images: two values per channel
        { 64, 16, 49 },  // the DCGAN's 7×7 level: multi-core path
    };

    [Theory]
    [DeviceData("cpu", Member = nameof(BatchNormCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(BatchNormCases))]
    [DeviceData("opencl:0", Member = nameof(BatchNormCases))]
    [DeviceData("cuda:0", Member = nameof(BatchNormCases))]
    public void BatchNormTrainingMatchesReferenceAndUpdatesRunningStatistics(string device, int batch, int channels, int spatial)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        int n = batch * channels * spatial, seed = batch * 13 + channels * 5 + spatial;
        const float momentum = 0.1f, eps = 1e-5f;
        var x = TestData.Normal(seed, n, mean: -2f, std: 1.3f);
        var gamma = TestData.Uniform(seed + 1, channels, 0.5f, 1.5f);
        var beta = TestData.Uniform(seed + 2, channels);
        var rm0 = TestData.Uniform(seed + 3, channels);
        var rv0 = TestData.Uniform(seed + 4, channels, 0.5f, 2f);
        var (xBuf, gBuf, bBuf, rmBuf, rvBuf) = (hk.Upload(x), hk.Upload(gamma), hk.Upload(beta), hk.Upload(rm0), hk.Upload(rv0));
        var (yBuf, meanBuf, rstdBuf) = (hk.Poisoned(n), hk.Poisoned(channels), hk.Poisoned(channels));
        hk.K.BatchNormForward(batch, channels, spatial, true, momentum, eps, xBuf, gBuf, bBuf, rmBuf, rvBuf, yBuf, meanBuf, rstdBuf);

        var (mean, rstd, y, xhat) = BatchReference(x, gamma, beta, batch, channels, spatial, null, null);
        int count = batch * spatial;
        var rm = new double[channels];
        var rv = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            // torch: running = (1 − m)·running + m·stat, the variance unbiased (÷ (n − 1)).
            double biased = 1 / (rstd[c] * rstd[c]) - eps;
            rm[c] = (1 - momentum) * rm0[c] + momentum * mean[c];
            rv[c] = (1 - momentum) * rv0[c] + momentum * biased * count / (count - 1);
        }
        Approx.Close(mean, hk.Read(meanBuf), 1e-6, 1e-7, "batch mean");
        Approx.Close(rstd, hk.Read(rstdBuf), 2e-6, 0, "batch rstd");
        Approx.Close(y, hk.Read(yBuf), 5e-6, 5e-6, "batch norm y");
        Approx.Close(rm, hk.Read(rmBuf), 1e-6, 1e-7, "running mean");
        Approx.Close(rv, hk.Read(rvBuf), 2e-6, 0, "running var");

        // Training mode without running statistics (track_running_stats=False) gives the same y.
        var y2 = hk.Poisoned(n);
        hk.K.BatchNormForward(batch, channels, spatial, true, momentum, eps, xBuf, gBuf, bBuf, null, null, y2, hk.Poisoned(channels), hk.Poisoned(channels));
        Assert.Equal(hk.Read(yBuf), hk.Read(y2));

        var dy = TestData.Normal(seed + 5, n);
        var (dx0, dg0, db0) = (TestData.Uniform(seed + 6, n), TestData.Uniform(seed + 7, channels), TestData.Uniform(seed + 8, channels));
        var (dxBuf, dgBuf, dbBuf) = (hk.Upload(dx0), hk.Upload(dg0), hk.Upload(db0));
        hk.K.BatchNormBackward(batch, channels, spatial, true, xBuf, gBuf, meanBuf, rstdBuf, hk.Upload(dy), dxBuf, dgBuf, dbBuf);
        CheckBatchBackward(hk, true, x, gamma, dy, dx0, dg0, db0, rstd, xhat, batch, channels, spatial, dxBuf, dgBuf, dbBuf);
    }

    public static TheoryData<int, int, int> BatchNormEvalCases => new()
    {
        { 1, 3, 35 },
        { 5, 7, 33 },
    };

    [Theory]
    [DeviceData("cpu", Member = nameof(BatchNormEvalCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(BatchNormEvalCases))]
    [DeviceData("opencl:0", Member = nameof(BatchNormEvalCases))]
    [DeviceData("cuda:0", Member = nameof(BatchNormEvalCases))]
    public void BatchNormEvaluationUsesRunningStatisticsAndLeavesThem(string device, int batch, int channels, int spatial)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        int n = batch * channels * spatial, seed = batch * 17 + channels + spatial;
        const float eps = 1e-5f;
        var x = TestData.Normal(seed, n);
        var gamma = TestData.Uniform(seed + 1, channels, 0.5f, 1.5f);
        var beta = TestData.Uniform(seed + 2, channels);
        var rm0 = TestData.Uniform(seed + 3, channels);
        var rv0 = TestData.Uniform(seed + 4, channels, 0.5f, 2f);
        var (xBuf, gBuf, rmBuf, rvBuf) = (hk.Upload(x), hk.Upload(gamma), hk.Upload(rm0), hk.Upload(rv0));
        var (yBuf, meanBuf, rstdBuf) = (hk.Poisoned(n), hk.Poisoned(channels), hk.Poisoned(channels));
        hk.K.BatchNormForward(batch, channels, spatial, false, 0.1f, eps, xBuf, gBuf, hk.Upload(beta), rmBuf, rvBuf, yBuf, meanBuf, rstdBuf);

        var rstd = rv0.Select(v => 1 / Math.Sqrt(v + (double)eps)).ToArray();
        var (_, _, y, xhat) = BatchReference(x, gamma, beta, batch, channels, spatial, TestData.ToDouble(rm0), rstd);
        Approx.Close(y, hk.Read(yBuf), 5e-6, 5e-6, "eval y");
        Approx.Close(rstd, hk.Read(rstdBuf), 2e-6, 0, "eval rstd");
        Assert.Equal(rm0, hk.Read(rmBuf));
        Assert.Equal(rv0, hk.Read(rvBuf));
        Assert.Equal(rm0, hk.Read(meanBuf));

        var dy = TestData.Normal(seed + 5, n);
        var (dx0, dg0, db0) = (TestData.Uniform(seed + 6, n), TestData.Uniform(seed + 7, channels), TestData.Uniform(seed + 8, channels));
        var (dxBuf, dgBuf, dbBuf) = (hk.Upload(dx0), hk.Upload(dg0), hk.Upload(db0));
        hk.K.BatchNormBackward(batch, channels, spatial, false, xBuf, gBuf, meanBuf, rstdBuf, hk.Upload(dy), dxBuf, dgBuf, dbBuf);
        CheckBatchBackward(hk, false, x, gamma, dy, dx0, dg0, db0, rstd, xhat, batch, channels, spatial, dxBuf, dgBuf, dbBuf);
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void BatchNormTrainingNeedsMoreThanOneValuePerChannel(string device)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        Assert.Throws<ArgumentException>(() => hk.K.BatchNormForward(1, 3, 1, true, 0.1f, 1e-5f,
            hk.Poisoned(3), null, null, null, null, hk.Poisoned(3), hk.Poisoned(3), hk.Poisoned(3)));
        Assert.Throws<ArgumentNullException>(() => hk.K.BatchNormForward(2, 3, 1, false, 0.1f, 1e-5f,
            hk.Poisoned(6), null, null, null, null, hk.Poisoned(6), hk.Poisoned(3), hk.Poisoned(3)));
    }

    /// <summary>Batch statistics (or the given fixed ones) and y = x̂·γ + β in float64.</summary>
    private static (double[] Mean, double[] Rstd, double[] Y, double[] Xhat) BatchReference(float[] x, float[] gamma, float[] beta,
        int batch, int channels, int spatial, double[]? fixedMean, double[]? fixedRstd)
    {
        int n = x.Length;
        var mean = new double[channels];
        var rstd = new double[channels];
        var y = new double[n];
        var xhat = new double[n];
        for (int c = 0; c < channels; c++)
        {
            var idx = Enumerable.Range(0, batch).SelectMany(s => Enumerable.Range((s * channels + c) * spatial, spatial)).ToArray();
            double mu = fixedMean?[c] ?? idx.Average(i => (double)x[i]);
            double r = fixedRstd?[c] ?? 1 / Math.Sqrt(idx.Average(i => (x[i] - mu) * (x[i] - mu)) + 1e-5);
            mean[c] = mu;
            rstd[c] = r;
            foreach (int i in idx)
            {
                xhat[i] = (x[i] - mu) * r;
                y[i] = xhat[i] * gamma[c] + beta[c];
            }
        }
        return (mean, rstd, y, xhat);
    }

    private static void CheckBatchBackward(KernelHarness hk, bool training, float[] x, float[] gamma, float[] dy, float[] dx0, float[] dg0, float[] db0,
        double[] rstd, double[] xhat, int batch, int channels, int spatial, Backends.DeviceBuffer dxBuf, Backends.DeviceBuffer dgBuf, Backends.DeviceBuffer dbBuf)
    {
        int count = batch * spatial;
        var dx = TestData.ToDouble(dx0);
        var dg = TestData.ToDouble(dg0);
        var db = TestData.ToDouble(db0);
        var dgScale = dg0.Select(v => (double)Math.Abs(v)).ToArray();
        var dbScale = db0.Select(v => (double)Math.Abs(v)).ToArray();
        for (int c = 0; c < channels; c++)
        {
            var idx = Enumerable.Range(0, batch).SelectMany(s => Enumerable.Range((s * channels + c) * spatial, spatial)).ToArray();
            double a = idx.Sum(i => (double)dy[i]), b = idx.Sum(i => dy[i] * xhat[i]);
            dg[c] += b;
            db[c] += a;
            dgScale[c] += idx.Sum(i => Math.Abs(dy[i] * xhat[i]));
            dbScale[c] += idx.Sum(i => Math.Abs((double)dy[i]));
            foreach (int i in idx)
                dx[i] += gamma[c] * rstd[c] * (training ? dy[i] - a / count - xhat[i] * b / count : dy[i]);
        }
        double dxAtol = 2e-5 * dy.Max(v => Math.Abs(v)) * rstd.Max() * gamma.Max();
        Approx.Close(dx, hk.Read(dxBuf), 1e-5, dxAtol, $"batch norm dx (training {training})");
        Approx.Close(dg, hk.Read(dgBuf), 1e-5, 0, "batch norm dgamma", dgScale);
        Approx.Close(db, hk.Read(dbBuf), 1e-5, 0, "batch norm dbeta", dbScale);
    }

    // ---- embedding ------------------------------------------------------------------------------------------

    public static TheoryData<int, int, int> EmbeddingCases => new()
    {
        { 1, 1, 1 },
        { 37, 5, 3 },
        { 200, 10, 1500 },
    };

    [Theory]
    [DeviceData("cpu", Member = nameof(EmbeddingCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(EmbeddingCases))]
    [DeviceData("opencl:0", Member = nameof(EmbeddingCases))]
    [DeviceData("cuda:0", Member = nameof(EmbeddingCases))]
    public void EmbeddingGathersRowsAndScatterAddsGradients(string device, int rows, int vocab, int dim)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        var table = TestData.Normal(rows + vocab, vocab * dim);
        var idx = TestData.Ints(rows + dim, rows, 0, vocab);   // repeats guaranteed when rows > vocab
        var y = hk.Poisoned(rows * dim);
        var idxBuf = hk.Upload(idx);
        hk.K.EmbeddingForward(rows, vocab, dim, idxBuf, hk.Upload(table), y);
        var expected = new double[rows * dim];
        for (int r = 0; r < rows; r++)
            for (int d = 0; d < dim; d++) expected[r * dim + d] = table[idx[r] * dim + d];
        Approx.Close(expected, hk.Read(y), 0, 0, "embedding gather");

        var dy = TestData.Normal(rows + 1, rows * dim);
        var dt0 = TestData.Uniform(rows + 2, vocab * dim);
        var dt = hk.Upload(dt0);
        hk.K.EmbeddingBackward(rows, vocab, dim, idxBuf, hk.Upload(dy), dt);
        var dtExpected = TestData.ToDouble(dt0);
        var scale = dt0.Select(v => (double)Math.Abs(v)).ToArray();
        for (int r = 0; r < rows; r++)
            for (int d = 0; d < dim; d++)
            {
                dtExpected[idx[r] * dim + d] += dy[r * dim + d];
                scale[idx[r] * dim + d] += Math.Abs(dy[r * dim + d]);
            }
        Approx.Close(dtExpected, hk.Read(dt), 1e-6, 0, "embedding scatter-add", scale);
    }

    [Fact]
    public void EmbeddingRejectsIndicesOutsideTheTable()
    {
        using var hk = new KernelHarness();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => hk.K.EmbeddingForward(3, 4, 2, hk.Upload(new[] { 0, 4, 1 }), hk.Poisoned(8), hk.Poisoned(6)));
        Assert.Equal("indices", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => hk.K.EmbeddingBackward(1, 4, 2, hk.Upload(new[] { -1 }), hk.Poisoned(2), hk.Poisoned(8)));
    }

    [Theory]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void DeviceEmbeddingTurnsIndicesOutsideTheTableIntoNaNRowsAndSkipsThem(string device)
    {
        // A device backend does not read the indices back to throw (that would synchronise every call):
        // the forward writes NaN rows, which poison the loss visibly, and the backward skips those rows.
        using var hk = new KernelHarness(TestBackends.Get(device));
        var idx = hk.Upload(new[] { 0, 4, 1, -1 });
        var table = TestData.Normal(7, 8);
        var y = hk.Poisoned(8);
        hk.K.EmbeddingForward(4, 4, 2, idx, hk.Upload(table), y);
        Approx.Close([table[0], table[1], double.NaN, double.NaN, table[2], table[3], double.NaN, double.NaN], hk.Read(y), 0, 0, "gather");
        var dt = hk.Upload(new float[8]);
        hk.K.EmbeddingBackward(4, 4, 2, idx, hk.Upload([1f, 2f, 30f, 40f, 5f, 6f, 70f, 80f]), dt);
        Approx.Close([1, 2, 5, 6, 0, 0, 0, 0], hk.Read(dt), 0, 0, "scatter-add");
    }

    // ---- dropout --------------------------------------------------------------------------------------------

    public static TheoryData<int, float> DropoutCases => new()
    {
        { 7, 0.5f },
        { 200_003, 0.3f },
        { 100_000, 0.9f },
    };

    [Theory]
    [DeviceData("cpu", Member = nameof(DropoutCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(DropoutCases))]
    [DeviceData("opencl:0", Member = nameof(DropoutCases))]
    [DeviceData("cuda:0", Member = nameof(DropoutCases))]
    public void DropoutMatchesPhiloxMaskAtItsRate(string device, int n, float p)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        const ulong seed = 1234, stream = 5, offset = 17;
        var x = TestData.Uniform(n, n, 0.5f, 1.5f);   // nonzero, so a zero output means dropped
        var y = hk.Poisoned(n);
        hk.K.DropoutForward(n, p, seed, stream, offset, hk.Upload(x), y);
        var got = hk.Read(y);
        var expected = new double[n];
        for (int i = 0; i < n; i++)
        {
            bool keep = Philox.Uniform(Philox.Bits(seed, stream, offset + (ulong)i)) >= p;
            expected[i] = keep ? x[i] / (1.0 - p) : 0;
        }
        Approx.Close(expected, got, 1e-6, 0, $"dropout n={n} p={p}");
        if (device != "cpu")
        {
            // The mask and the kept values are bit-identical to the CPU backend's.
            using var cpu = new KernelHarness(TestBackends.Get("cpu"));
            var yCpu = cpu.Poisoned(n);
            cpu.K.DropoutForward(n, p, seed, stream, offset, cpu.Upload(x), yCpu);
            Assert.Equal(cpu.Read(yCpu), got);
        }
        if (n > 1000)
        {
            // The dropped fraction is Binomial(n, p)/n: within 5 standard deviations of p.
            double dropped = got.Count(v => v == 0) / (double)n;
            Assert.InRange(dropped, p - 5 * Math.Sqrt(p * (1 - p) / n), p + 5 * Math.Sqrt(p * (1 - p) / n));
        }

        // Backward redraws the same mask: dx += dy/(1 − p) where kept.
        var dy = TestData.Normal(n + 1, n);
        var dx0 = TestData.Uniform(n + 2, n);
        var dx = hk.Upload(dx0);
        hk.K.DropoutBackward(n, p, seed, stream, offset, hk.Upload(dy), dx);
        var dxExpected = new double[n];
        var scale = new double[n];
        for (int i = 0; i < n; i++)
        {
            double g = expected[i] != 0 ? dy[i] / (1.0 - p) : 0;
            dxExpected[i] = dx0[i] + g;
            scale[i] = Math.Abs(dx0[i]) + Math.Abs(g);
        }
        Approx.Close(dxExpected, hk.Read(dx), 1e-6, 0, "dropout backward", scale);
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void DropoutIsReproducibleSliceIndependentAndStreamSpecific(string device)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        const int n = 100_003;
        var x = TestData.Uniform(3, n, 0.5f, 1.5f);
        var xBuf = hk.Upload(x);
        float[] Run(ulong stream)
        {
            var y = hk.Poisoned(n);
            hk.K.DropoutForward(n, 0.4f, 99, stream, 0, xBuf, y);
            return hk.Read(y);
        }
        var first = Run(2);
        Assert.Equal(first, Run(2));
        var other = Run(3);
        Assert.True(first.Zip(other).Count(v => (v.First == 0) != (v.Second == 0)) > n / 4, "another stream should give another mask");

        // A slice [start, start + len) drawn alone at offset start equals that slice of the whole.
        foreach (var (start, len) in new[] { (0, 5), (1, 7), (4097, 33), (n - 3, 3) })
        {
            var y = hk.Poisoned(len);
            hk.K.DropoutForward(len, 0.4f, 99, 2, (ulong)start, hk.Upload(x[start..(start + len)]), y);
            Assert.Equal(first[start..(start + len)], hk.Read(y));
        }
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void DropoutEdgeRates(string device)
    {
        using var hk = new KernelHarness(TestBackends.Get(device));
        var x = TestData.Normal(4, 33);
        var y = hk.Poisoned(33);
        hk.K.DropoutForward(33, 0f, 1, 1, 0, hk.Upload(x), y);
        Assert.Equal(x, hk.Read(y));
        hk.K.DropoutForward(33, 1f, 1, 1, 0, hk.Upload(x), y);
        Assert.All(hk.Read(y), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => hk.K.DropoutForward(33, 1.5f, 1, 1, 0, hk.Upload(x), y));
        Assert.Throws<ArgumentOutOfRangeException>(() => hk.K.DropoutForward(33, float.NaN, 1, 1, 0, hk.Upload(x), y));
    }
}
