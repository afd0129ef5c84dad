using GpuGen.Autograd;
using GpuGen.Backends;
using GpuGen.Nn;
using GpuGen.Tensors;
using GpuGen.Tests.Kernels;
using GpuGen.Tests.Support;
using static GpuGen.Tests.Autograd.GradientCheck;

namespace GpuGen.Tests.Autograd;

/// <summary>Conv2d, ConvTranspose2d and MaskedConv2d: forward against direct float64 loops, backward by finite differences.</summary>
public class ConvolutionGradientTests
{
    [Theory]
    [InlineData(2, 3, 4, 6, 5, 3, 1, 1, 1, 1, true)]
    [InlineData(1, 4, 2, 7, 7, 4, 2, 1, 1, 2, true)]
    [InlineData(3, 2, 3, 5, 6, 3, 1, 2, 2, 1, false)]
    [InlineData(2, 4, 4, 4, 3, 1, 1, 0, 1, 4, true)]
    public void Conv2d_MatchesReferenceAndFiniteDifferences(int n, int cin, int cout, int h, int w, int k, int stride, int pad, int dil, int groups, bool bias)
    {
        var a = new Conv2dArgs(n, cin, cout, h, w, k, k, stride, stride, pad, pad, dil, dil, groups);
        var rng = new System.Random(TestData.Seed(n, cin, cout, h, k, stride, pad, dil));
        var inputs = new List<Input> { RandomInput(rng, n, cin, h, w), RandomInput(rng, cout, cin / groups, k, k) };
        if (bias) inputs.Add(RandomInput(rng, cout));
        Run(n + k, [.. inputs],
            t => Ops.Conv2d(t[0], t[1], bias ? t[2] : null, stride, pad, dil, groups),
            v => ConvReference.Forward(a, v[0], v[1], bias ? v[2] : null).Y);
    }

    [Theory]
    [InlineData(2, 4, 3, 3, 4, 4, 2, 1, 0, 1, true)]
    [InlineData(1, 2, 2, 4, 3, 3, 2, 0, 1, 2, true)]
    [InlineData(2, 3, 2, 3, 3, 3, 1, 1, 0, 1, false)]
    [InlineData(1, 2, 3, 3, 2, 2, 3, 1, 2, 1, true)]
    public void ConvTranspose2d_MatchesReferenceAndFiniteDifferences(int n, int cin, int coutG, int h, int w, int k, int stride, int pad, int outPad, int groups, bool bias)
    {
        var rng = new System.Random(TestData.Seed(n, cin, coutG, h, k, stride, pad, outPad));
        var inputs = new List<Input> { RandomInput(rng, n, cin, h, w), RandomInput(rng, cin, coutG, k, k) };
        if (bias) inputs.Add(RandomInput(rng, coutG * groups));
        Run(n + k + 17, [.. inputs],
            t => Ops.ConvTranspose2d(t[0], t[1], bias ? t[2] : null, stride, pad, outPad, groups),
            v => ConvReference.Transposed(v[0], v[1], bias ? v[2] : null, n, cin, h, w, coutG, k, stride, pad, outPad, 1, groups, out _, out _));
    }

    [Theory]
    [InlineData(ConvMaskKind.A, 3)]
    [InlineData(ConvMaskKind.B, 3)]
    [InlineData(ConvMaskKind.A, 5)]
    public void MaskedConv2d_MatchesMaskedReferenceAndFiniteDifferences(ConvMaskKind kind, int k)
    {
        const int n = 2, cin = 2, cout = 3, h = 5, w = 4;
        var mask = ConvMasks.Create(kind, cout, cin, k);
        var a = new Conv2dArgs(n, cin, cout, h, w, k, k, PadH: k / 2, PadW: k / 2);
        var rng = new System.Random((int)kind * 10 + k);
        Run(k, [RandomInput(rng, n, cin, h, w), RandomInput(rng, cout, cin, k, k), RandomInput(rng, cout)],
            t => Ops.MaskedConv2d(t[0], t[1], t[2], Tensor.FromArray(t[0].Device, mask, cout, cin, k, k), k / 2),
            v => ConvReference.Forward(a, v[0], v[1].Select((x, i) => x * mask[i]).ToArray(), v[2]).Y);
    }

    [Fact]
    public void MasksZeroTheCentreRowFromTheCentreOrPastItAndEveryLaterRow()
    {
        // k = 5, centre 2: row-major taps, 1 = kept.
        string A = string.Concat(ConvMasks.Create(ConvMaskKind.A, 1, 1, 5).Select(v => v == 1f ? '1' : '0'));
        string B = string.Concat(ConvMasks.Create(ConvMaskKind.B, 1, 1, 5).Select(v => v == 1f ? '1' : '0'));
        Assert.Equal("11111" + "11111" + "11000" + "00000" + "00000", A);
        Assert.Equal("11111" + "11111" + "11100" + "00000" + "00000", B);
    }

    /// <summary>
    /// Causality, shown by gradients: with mask A, output pixel i (raster order) does not depend on input
    /// pixels j ≥ i; with mask B, not on j &gt; i. For every output pixel i, d out_i / d x is computed by
    /// backward from a one-hot dy (over every output channel) and must be exactly 0 at the forbidden pixels
    /// of every input channel, and non-zero somewhere among the allowed ones.
    /// </summary>
    [Theory]
    [InlineData(ConvMaskKind.A, 3)]
    [InlineData(ConvMaskKind.B, 3)]
    [InlineData(ConvMaskKind.A, 7)]
    [InlineData(ConvMaskKind.B, 5)]
    public void MaskedConvolutionIsCausalInRasterOrder(ConvMaskKind kind, int k)
    {
        const int cin = 2, cout = 3, h = 5, w = 6, plane = h * w;
        using var device = Device.Cpu();
        using var layer = new MaskedConv2d(device, kind, cin, cout, k, new Initializer(11));
        var x0 = TestData.Uniform(5, cin * plane);
        for (int i = 0; i < plane; i++)
        {
            using var scope = device.Step();
            var x = Tensor.FromArray(device, x0, 1, cin, h, w);
            x.RequiresGrad = true;
            var y = layer.Forward(x);
            var seed = new float[cout * plane];
            for (int o = 0; o < cout; o++) seed[o * plane + i] = 1f;
            y.EnsureGrad().CopyFrom(seed);
            scope.Tape.Run();
            var dx = x.Grad!.ToArray();
            bool anyAllowed = false;
            for (int c = 0; c < cin; c++)
                for (int j = 0; j < plane; j++)
                {
                    bool forbidden = kind == ConvMaskKind.A ? j >= i : j > i;
                    float g = dx[c * plane + j];
                    if (forbidden) Assert.True(g == 0f, $"mask {kind}, k={k}: d out[{i}] / d x[c={c}, {j}] = {g}, expected 0");
                    else anyAllowed |= g != 0f;
                }
            if (i > 0) Assert.True(anyAllowed, $"mask {kind}: out[{i}] depends on no earlier pixel");
        }
    }
}
