using GpuGen.Autograd;
using GpuGen.Random;
using GpuGen.Tensors;
using static GpuGen.Tests.Autograd.GradientCheck;

namespace GpuGen.Tests.Autograd;

/// <summary>The UNet / GAN layer ops: forward against float64 references, backward by finite differences.</summary>
public class LayerGradientTests
{
    [Theory]
    [InlineData(1, 1, 2, 2)]
    [InlineData(2, 3, 5, 7)]
    public void AvgPool2x2(int n, int c, int h, int w)
    {
        var rng = new System.Random(n + c + h + w);
        int ho = h / 2, wo = w / 2;
        Run(1, [RandomInput(rng, n, c, h, w)], t => Ops.AvgPool2x2(t[0]), v =>
        {
            var y = new double[n * c * ho * wo];
            for (int p = 0; p < n * c; p++)
                for (int i = 0; i < ho; i++)
                    for (int j = 0; j < wo; j++)
                        y[(p * ho + i) * wo + j] = (v[0][(p * h + 2 * i) * w + 2 * j] + v[0][(p * h + 2 * i) * w + 2 * j + 1]
                            + v[0][(p * h + 2 * i + 1) * w + 2 * j] + v[0][(p * h + 2 * i + 1) * w + 2 * j + 1]) / 4;
            return y;
        });
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 3, 4)]
    public void UpsampleNearest2x(int n, int c, int h, int w)
    {
        var rng = new System.Random(n * c + h * w);
        Run(2, [RandomInput(rng, n, c, h, w)], t => Ops.UpsampleNearest2x(t[0]), v =>
        {
            var y = new double[n * c * 4 * h * w];
            for (int p = 0; p < n * c; p++)
                for (int i = 0; i < 2 * h; i++)
                    for (int j = 0; j < 2 * w; j++) y[(p * 2 * h + i) * 2 * w + j] = v[0][(p * h + i / 2) * w + j / 2];
            return y;
        });
    }

    [Fact]
    public void AddChannelBias()
    {
        var rng = new System.Random(3);
        const int n = 2, c = 3, s = 20;
        Run(3, [RandomInput(rng, n, c, 4, 5), RandomInput(rng, n, c)], t => Ops.AddChannelBias(t[0], t[1]),
            v => Enumerable.Range(0, n * c * s).Select(i => v[0][i] + v[1][i / s]).ToArray());
    }

    [Theory]
    [InlineData(2, 6, 3, 4, 3, true)]
    [InlineData(1, 4, 2, 3, 1, true)]
    [InlineData(3, 5, 2, 2, 5, false)]
    [InlineData(2, 8, 1, 1, 2, true)]
    public void GroupNorm(int n, int c, int h, int w, int groups, bool affine)
    {
        var rng = new System.Random(n * 100 + c * 10 + groups);
        var inputs = affine
            ? new[] { RandomInput(rng, n, c, h, w), Positive(rng, c), RandomInput(rng, c) }
            : new[] { RandomInput(rng, n, c, h, w) };
        Run(4, inputs, t => Ops.GroupNorm(t[0], groups, affine ? t[1] : null, affine ? t[2] : null),
            v => GroupNormReference(v, n, c, h * w, groups, affine));
    }

    /// <summary>GroupNorm of v[0] [n, c, s] in float64, with γ = v[1], β = v[2] when affine.</summary>
    private static double[] GroupNormReference(double[][] v, int n, int c, int s, int groups, bool affine)
    {
        int m = c / groups * s;
        var y = new double[n * c * s];
        for (int b = 0; b < n * groups; b++)
        {
            var block = Enumerable.Range(b * m, m).ToArray();
            double mu = block.Average(i => v[0][i]);
            double r = 1 / Math.Sqrt(block.Average(i => (v[0][i] - mu) * (v[0][i] - mu)) + 1e-5);
            foreach (int i in block)
            {
                int ch = i / s % c;
                y[i] = (v[0][i] - mu) * r * (affine ? v[1][ch] : 1) + (affine ? v[2][ch] : 0);
            }
        }
        return y;
    }

    /// <summary>
    /// SiLU(GroupNorm(x)) in one pass: recorded, its fused backward by finite differences (γ, β and x);
    /// without gradients (nothing recorded), the forward against the same float64 reference on every backend.
    /// </summary>
    [Theory]
    [InlineData(2, 6, 3, 4, 3)]
    [InlineData(3, 8, 5, 5, 2)]
    public void GroupNormSilu(int n, int c, int h, int w, int groups)
    {
        var rng = new System.Random(n * 31 + c + groups);
        var inputs = new[] { RandomInput(rng, n, c, h, w), Positive(rng, c), RandomInput(rng, c) };
        double[] Reference(double[][] v) => GroupNormReference(v, n, c, h * w, groups, affine: true).Select(y => y / (1 + Math.Exp(-y))).ToArray();
        Run(6, inputs, t => Ops.GroupNormSilu(t[0], groups, t[1], t[2]), Reference);

        double[] expected = Reference(inputs.Select(i => i.Values).ToArray());
        foreach (string name in Devices)
        {
            var device = new Device(Support.TestBackends.Get(name));
            try
            {
                using var scope = device.NoGrad();
                var t = inputs.Select(i => Tensor.FromArray(device, i.Values.Select(v => (float)v).ToArray(), i.Shape)).ToArray();
                foreach (var p in t) p.RequiresGrad = true;   // parameters that want gradients, yet nothing is recorded
                var y = Ops.GroupNormSilu(t[0], groups, t[1], t[2]);
                Assert.False(y.RequiresGrad, "nothing is recorded under NoGrad");
                float[] got = y.ToArray();
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(got[i] - expected[i]) <= 2e-5 * (1 + Math.Abs(expected[i])), $"on {name}: y[{i}] = {got[i]}, reference {expected[i]}");
            }
            finally
            {
                device.Pool.Trim();
            }
        }
    }

    [Theory]
    [InlineData(4, 3, 3, 2, true)]
    [InlineData(1, 2, 3, 3, true)]
    [InlineData(5, 3, 1, 1, false)]
    public void BatchNorm2d(int n, int c, int h, int w, bool training)
    {
        var rng = new System.Random(n * 10 + c + (training ? 1 : 0));
        int s = h * w;
        var runningMean = RandomInput(rng, c) with { Differentiable = false };
        var runningVar = Positive(rng, c) with { Differentiable = false };
        Run(5, [RandomInput(rng, n, c, h, w), Positive(rng, c), RandomInput(rng, c), runningMean, runningVar],
            t => Ops.BatchNorm2d(t[0], t[1], t[2], t[3], t[4], training), v =>
            {
                var y = new double[n * c * s];
                for (int ch = 0; ch < c; ch++)
                {
                    var idx = Enumerable.Range(0, n).SelectMany(b => Enumerable.Range((b * c + ch) * s, s)).ToArray();
                    double mu = training ? idx.Average(i => v[0][i]) : v[3][ch];
                    double variance = training ? idx.Average(i => (v[0][i] - mu) * (v[0][i] - mu)) : v[4][ch];
                    foreach (int i in idx) y[i] = (v[0][i] - mu) / Math.Sqrt(variance + 1e-5) * v[1][ch] + v[2][ch];
                }
                return y;
            });
    }

    [Fact]
    public void Embedding()
    {
        var rng = new System.Random(6);
        const int vocab = 5, dim = 3;
        var indices = new Input([2, 4], [0, 3, 3, 4, 1, 0, 3, 2], Differentiable: false, Int: true);
        Run(6, [indices, RandomInput(rng, vocab, dim)], t => Ops.Embedding(t[0], t[1]),
            v => Enumerable.Range(0, 8 * dim).Select(i => v[1][(int)v[0][i / dim] * dim + i % dim]).ToArray());
    }

    [Fact]
    public void DropoutWithAFixedMask()
    {
        var rng = new System.Random(7);
        const float p = 0.4f;
        const ulong seed = 77, stream = 3;
        Run(7, [RandomInput(rng, 3, 4, 5)], t => Ops.Dropout(t[0], p, seed, stream, training: true),
            v => v[0].Select((x, i) => Philox.Uniform(Philox.Bits(seed, stream, (ulong)i)) >= p ? x / (1 - p) : 0).ToArray());
    }

    [Fact]
    public void ConcatAndNarrowAlongChannels()
    {
        var rng = new System.Random(8);
        const int n = 2, h = 3, w = 4, s = h * w;
        // concat([a [2,3,3,4], b [2,2,3,4]], axis 1) = [2,5,3,4]: sample-major, a's channels first.
        Run(8, [RandomInput(rng, n, 3, h, w), RandomInput(rng, n, 2, h, w)], t => Ops.Concat(1, t[0], t[1]), v =>
        {
            var y = new List<double>();
            for (int b = 0; b < n; b++)
            {
                y.AddRange(v[0].Skip(b * 3 * s).Take(3 * s));
                y.AddRange(v[1].Skip(b * 2 * s).Take(2 * s));
            }
            return y.ToArray();
        });
        // channels 1..2 of [2,5,3,4].
        Run(9, [RandomInput(rng, n, 5, h, w)], t => Ops.Narrow(t[0], 1, 1, 2),
            v => Enumerable.Range(0, n).SelectMany(b => v[0].Skip((b * 5 + 1) * s).Take(2 * s)).ToArray());
    }
}
