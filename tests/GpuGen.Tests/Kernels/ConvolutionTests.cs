using GpuGen.Autograd;
using GpuGen.Backends;
using GpuGen.Tensors;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// The convolution kernels against direct float64 loops (<see cref="ConvReference"/>) on fresh random
/// inputs. Error bound per element, as for GEMM: a float32 sum of T products carries at most
/// ≈ (T + 4)·u·Σ|terms| (u = 2⁻²⁴), with a factor 2 of slack; the reference passes (T + 4)·Σ|terms| as
/// the scale. Overwritten outputs are NaN-poisoned, with a poisoned tail past the end that must stay NaN;
/// accumulated outputs start from random values that must be kept. The kernel tests run on every
/// backend present; all shapes are small enough for PoCL.
/// </summary>
public sealed class ConvolutionTests
{
    private const double Rtol = 2.0 / (1 << 24);

    public static TheoryData<string> Cases() => new(Shapes.Keys);

    /// <summary>Batch 1 and 5, stride 1–2, padding 0–3, kernels 1/3/4/7, dilation 1–2, non-square images, groups 1/2/4.</summary>
    private static readonly Dictionary<string, Conv2dArgs> Shapes = new()
    {
        ["b1 3x3 p1"] = new(1, 3, 4, 5, 7, 3, 3, PadH: 1, PadW: 1),
        ["b5 3x3 s2 p0"] = new(5, 4, 6, 9, 8, 3, 3, StrideH: 2, StrideW: 2),
        ["b5 1x1 groups2 (pointwise)"] = new(5, 8, 6, 10, 6, 1, 1, Groups: 2),
        ["b2 1x1 s2"] = new(2, 6, 4, 7, 9, 1, 1, StrideH: 2, StrideW: 2),
        ["b5 4x4 s2 p1 (DCGAN)"] = new(5, 3, 5, 12, 11, 4, 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),
        ["b1 7x7 p3"] = new(1, 2, 3, 13, 10, 7, 7, PadH: 3, PadW: 3),
        ["b5 3x3 p2 d2 groups4"] = new(5, 8, 8, 9, 9, 3, 3, PadH: 2, PadW: 2, DilationH: 2, DilationW: 2, Groups: 4),
        ["b3 3x3 s(2,1) p(0,3) d(1,2) groups2"] = new(3, 4, 6, 8, 11, 3, 3, StrideH: 2, StrideW: 1, PadH: 0, PadW: 3, DilationH: 1, DilationW: 2, Groups: 2),
        ["b1 4x4 p3"] = new(1, 3, 2, 6, 5, 4, 4, PadH: 3, PadW: 3),
        ["b5 16->12 3x3 p1 14x14 (two cores)"] = new(5, 16, 12, 14, 14, 3, 3, PadH: 1, PadW: 1),
        ["b5 1x1 16->24 14x14 (two cores)"] = new(5, 16, 24, 14, 14, 1, 1),
        // The CPU's direct stride-1 path (channel counts that are multiples of 8), odd sizes.
        ["b3 8->16 3x3 p1 9x11 (direct)"] = new(3, 8, 16, 9, 11, 3, 3, PadH: 1, PadW: 1),
        ["b2 16->8 5x5 p2 7x6 (direct)"] = new(2, 16, 8, 7, 6, 5, 5, PadH: 2, PadW: 2),
        ["b2 8->8 3x3 p0 6x9 (direct)"] = new(2, 8, 8, 6, 9, 3, 3),
        ["b1 8->24 3x3 p3 d2 5x5 (direct)"] = new(1, 8, 24, 5, 5, 3, 3, PadH: 3, PadW: 3, DilationH: 2, DilationW: 2),
        ["b3 8->8 4x4 p(1,2) 7x5 (direct)"] = new(3, 8, 8, 7, 5, 4, 4, PadH: 1, PadW: 2),
        ["b2 8->8 3x3 p3 4x3 (direct, pad beyond the kernel)"] = new(2, 8, 8, 4, 3, 3, 3, PadH: 3, PadW: 3),
        ["b2 8->16 1x1 p1 5x4 (direct)"] = new(2, 8, 16, 5, 4, 1, 1, PadH: 1, PadW: 1),
        ["b9 1->8 3x3 p1 28x28 (direct, conv in)"] = new(9, 1, 8, 28, 28, 3, 3, PadH: 1, PadW: 1),
        ["b3 24->8 3x(1) p(1,0) 13x17 (direct)"] = new(3, 24, 8, 13, 17, 3, 1, PadH: 1, PadW: 0),
        // Forward on the direct path with a zero-padded last 8-channel sliver (the UNet's output conv is 32→1).
        ["b3 16->1 3x3 p1 11x9 (direct, partial sliver)"] = new(3, 16, 1, 11, 9, 3, 3, PadH: 1, PadW: 1),
        ["b2 8->13 3x3 p1 7x7 (direct, partial sliver)"] = new(2, 8, 13, 7, 7, 3, 3, PadH: 1, PadW: 1),
        // Strided: the CPU's backward-data takes these sub-pixel (input channels a multiple of 8).
        ["b3 8->8 4x4 s2 p1 14x12 (sub-pixel, DCGAN)"] = new(3, 8, 8, 14, 12, 4, 4, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),
        ["b2 8->4 3x3 s2 p0 9x8 (sub-pixel)"] = new(2, 8, 4, 9, 8, 3, 3, StrideH: 2, StrideW: 2),
        ["b2 16->8 5x5 s3 p2 10x11 (sub-pixel)"] = new(2, 16, 8, 10, 11, 5, 5, StrideH: 3, StrideW: 3, PadH: 2, PadW: 2),
        ["b1 8->8 4x2 s(2,1) p(3,1) 6x7 (sub-pixel)"] = new(1, 8, 8, 6, 7, 4, 2, StrideH: 2, StrideW: 1, PadH: 3, PadW: 1),
        ["b2 8->8 1x1 s2 5x6 (sub-pixel, empty phases)"] = new(2, 8, 8, 5, 6, 1, 1, StrideH: 2, StrideW: 2),
    };

    [Theory]
    [DeviceData("cpu", Member = nameof(Cases))]
    [DeviceData("ilgpu-cpu", Member = nameof(Cases))]
    [DeviceData("opencl:0", Member = nameof(Cases))]
    [DeviceData("cuda:0", Member = nameof(Cases))]
    public void ForwardMatchesDirectLoop(string device, string name)
    {
        var a = Shapes[name];
        int seed = TestData.Seed(name);
        using var h = new KernelHarness(TestBackends.Get(device));
        float[] x = TestData.Uniform(seed, (int)a.InputLength), w = TestData.Uniform(seed + 1, (int)a.WeightLength), b = TestData.Uniform(seed + 2, a.OutChannels);
        const int tail = 5;
        var y = h.Poisoned(a.OutputLength + tail);
        h.K.Conv2dForward(a, h.Upload(x), h.Upload(w), h.Upload(b), y);
        var (expected, scale) = ConvReference.Forward(a, TestData.ToDouble(x), TestData.ToDouble(w), TestData.ToDouble(b));
        Approx.Close([.. expected, .. Enumerable.Repeat(double.NaN, tail)], h.Read(y), Rtol, 1e-30, $"{name} forward",
            [.. scale, .. new double[tail]]);

        // accumulate: y += conv(x) (no bias here), the old contents kept.
        float[] y0 = TestData.Uniform(seed + 3, (int)a.OutputLength);
        var yAcc = h.Upload(y0);
        h.K.Conv2dForward(a, h.Upload(x), h.Upload(w), null, yAcc, accumulate: true);
        var (plain, scale2) = ConvReference.Forward(a, TestData.ToDouble(x), TestData.ToDouble(w), null);
        Approx.Close(plain.Select((v, i) => v + y0[i]).ToArray(), h.Read(yAcc), Rtol, 1e-30, $"{name} forward accumulate",
            scale2.Select((s, i) => s + 8 * Math.Abs(y0[i])).ToArray());
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(Cases))]
    [DeviceData("ilgpu-cpu", Member = nameof(Cases))]
    [DeviceData("opencl:0", Member = nameof(Cases))]
    [DeviceData("cuda:0", Member = nameof(Cases))]
    public void BackwardDataAccumulatesTheAdjoint(string device, string name)
    {
        var a = Shapes[name];
        int seed = TestData.Seed(name) ^ 0x5bd1;
        using var h = new KernelHarness(TestBackends.Get(device));
        float[] dy = TestData.Normal(seed, (int)a.OutputLength), w = TestData.Uniform(seed + 1, (int)a.WeightLength);
        float[] dx0 = TestData.Uniform(seed + 2, (int)a.InputLength);
        var dx = h.Upload(dx0);
        h.K.Conv2dBackwardData(a, h.Upload(dy), h.Upload(w), dx);
        var (expected, scale) = ConvReference.BackwardData(a, TestData.ToDouble(dy), TestData.ToDouble(w));
        Approx.Close(expected.Select((v, i) => v + dx0[i]).ToArray(), h.Read(dx), Rtol, 1e-30, $"{name} backward-data",
            scale.Select((s, i) => s + 8 * Math.Abs(dx0[i])).ToArray());

        // Without accumulate dx is overwritten and never read: NaN-poisoned, with a tail past the end that must stay NaN.
        const int tail = 5;
        var dxNew = h.Poisoned(a.InputLength + tail);
        h.K.Conv2dBackwardData(a, h.Upload(dy), h.Upload(w), dxNew, accumulate: false);
        Approx.Close([.. expected, .. Enumerable.Repeat(double.NaN, tail)], h.Read(dxNew), Rtol, 1e-30, $"{name} backward-data overwrite",
            [.. scale, .. new double[tail]]);
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(Cases))]
    [DeviceData("ilgpu-cpu", Member = nameof(Cases))]
    [DeviceData("opencl:0", Member = nameof(Cases))]
    [DeviceData("cuda:0", Member = nameof(Cases))]
    public void BackwardWeightAccumulatesWeightAndBiasGradients(string device, string name)
    {
        var a = Shapes[name];
        int seed = TestData.Seed(name) ^ 0x1f3a;
        using var h = new KernelHarness(TestBackends.Get(device));
        float[] x = TestData.Uniform(seed, (int)a.InputLength), dy = TestData.Normal(seed + 1, (int)a.OutputLength);
        float[] dw0 = TestData.Uniform(seed + 2, (int)a.WeightLength), db0 = TestData.Uniform(seed + 3, a.OutChannels);
        var dw = h.Upload(dw0);
        var db = h.Upload(db0);
        h.K.Conv2dBackwardWeight(a, h.Upload(x), h.Upload(dy), dw, db);
        var (ew, sw, eb, sb) = ConvReference.BackwardWeight(a, TestData.ToDouble(x), TestData.ToDouble(dy));
        Approx.Close(ew.Select((v, i) => v + dw0[i]).ToArray(), h.Read(dw), Rtol, 1e-30, $"{name} dw",
            sw.Select((s, i) => s + 8 * Math.Abs(dw0[i])).ToArray());
        Approx.Close(eb.Select((v, i) => v + db0[i]).ToArray(), h.Read(db), Rtol, 1e-30, $"{name} db",
            sb.Select((s, i) => s + 8 * Math.Abs(db0[i])).ToArray());

        // Without a bias buffer the weight gradient is the same and nothing else is touched.
        var dw2 = h.Upload(dw0);
        h.K.Conv2dBackwardWeight(a, h.Upload(x), h.Upload(dy), dw2, null);
        Assert.Equal(h.Read(dw), h.Read(dw2));
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void ChannelBiasKernelsAddAndReduce(string device)
    {
        const int n = 3, c = 5, s = 7;
        using var h = new KernelHarness(TestBackends.Get(device));
        float[] y0 = TestData.Uniform(1, n * c * s), b = TestData.Uniform(2, c), db0 = TestData.Uniform(3, c);
        var y = h.Upload(y0);
        h.K.ChannelBiasAdd(n, c, s, h.Upload(b), y);
        Approx.Close(y0.Select((v, i) => (double)v + b[i / s % c]).ToArray(), h.Read(y), 1e-7, 0, "bias add");
        var db = h.Upload(db0);
        h.K.ChannelBiasBackward(n, c, s, h.Upload(y0), db);
        var expected = new double[c];
        for (int i = 0; i < y0.Length; i++) expected[i / s % c] += y0[i];
        Approx.Close(expected.Select((v, i) => v + db0[i]).ToArray(), h.Read(db), 1e-6, 1e-6, "bias grad");
    }

    public static TheoryData<int, int, int, int, int, int, int, int, int> TransposedCases() => new()
    {
        // n, cin, coutPerGroup, h, w, k, stride, pad, outPad (+ groups/dilation below)
        { 2, 6, 2, 5, 4, 4, 2, 1, 0 },
        { 1, 3, 4, 3, 6, 3, 2, 0, 1 },
        { 5, 4, 3, 4, 4, 3, 1, 1, 0 },
        { 1, 2, 5, 7, 3, 1, 1, 0, 0 },
        { 5, 3, 8, 4, 4, 4, 2, 1, 0 },
        { 5, 4, 8, 3, 5, 3, 2, 1, 1 },
        { 3, 4, 2, 4, 5, 3, 3, 2, 2 },
    };

    [Theory]
    [MemberData(nameof(TransposedCases))]
    public void TransposedConvolutionMatchesItsOwnDefinition(int n, int cin, int coutG, int hgt, int wid, int k, int stride, int pad, int outPad)
    {
        int groups = cin % 2 == 0 && n != 5 ? 2 : 1, dil = n == 3 ? 2 : 1;
        int seed = TestData.Seed(n, cin, coutG, hgt, wid, k, stride, pad);
        float[] x = TestData.Uniform(seed, n * cin * hgt * wid), w = TestData.Uniform(seed + 1, cin * coutG * k * k), b = TestData.Uniform(seed + 2, coutG * groups);
        var expected = ConvReference.Transposed(TestData.ToDouble(x), TestData.ToDouble(w), TestData.ToDouble(b), n, cin, hgt, wid, coutG, k,
            stride, pad, outPad, dil, groups, out int ho, out int wo);
        using var device = Device.Cpu();
        using var scope = device.Step();
        var y = Ops.ConvTranspose2d(Tensor.FromArray(device, x, n, cin, hgt, wid), Tensor.FromArray(device, w, cin, coutG, k, k),
            Tensor.FromArray(device, b, coutG * groups), (stride, stride), (pad, pad), (outPad, outPad), groups, (dil, dil));
        Assert.Equal(new[] { n, coutG * groups, ho, wo }, y.Shape);
        double bound = cin * k * k + 8;
        Approx.Close(expected, y.ToArray(), 1e-6 * bound, 1e-6 * bound, $"conv_transpose2d n{n} cin{cin} k{k} s{stride} p{pad} op{outPad} g{groups} d{dil}");
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void RejectsBadGeometryWithClearMessages(string device)
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2dArgs(1, 6, 4, 5, 5, 3, 3, Groups: 4).Validate());
        Assert.Contains("divisible by groups", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Conv2dArgs(1, 1, 1, 2, 2, 5, 5).Validate());
        Assert.Contains("does not fit", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Conv2dArgs(1, 1, 1, 4, 4, 3, 3, StrideH: 0).Validate());
        Assert.Contains("stride", e.Message);
        using var h = new KernelHarness(TestBackends.Get(device));
        var a = new Conv2dArgs(2, 3, 4, 5, 5, 3, 3);
        e = Assert.Throws<ArgumentException>(() => h.K.Conv2dForward(a, h.Poisoned(a.InputLength - 1), h.Poisoned(a.WeightLength), null, h.Poisoned(a.OutputLength)));
        Assert.Contains("'x'", e.Message);
    }
}
