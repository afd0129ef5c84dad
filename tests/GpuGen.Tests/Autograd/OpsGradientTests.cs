using GpuGen.Autograd;
using GpuGen.Backends;
using GpuGen.Tensors;
using static GpuGen.Tests.Autograd.GradientCheck;

namespace GpuGen.Tests.Autograd;

/// <summary>Every op's forward against a float64 reference and its backward against finite differences.</summary>
public class OpsGradientTests
{
    private static double[] Linear(double[] x, double[] w, double[]? b, int n, int inF, int outF)
    {
        var y = new double[n * outF];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < outF; o++)
            {
                double s = b?[o] ?? 0;
                for (int k = 0; k < inF; k++) s += x[i * inF + k] * w[o * inF + k];
                y[i * outF + o] = s;
            }
        return y;
    }

    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(7, 5, 3, true)]
    [InlineData(33, 34, 17, false)]
    [InlineData(130, 9, 12, true)]
    public void Linear_MatchesReferenceAndFiniteDifferences(int n, int inF, int outF, bool bias)
    {
        var rng = new System.Random(n * 1000 + inF);
        var inputs = bias
            ? new[] { RandomInput(rng, n, inF), RandomInput(rng, outF, inF), RandomInput(rng, outF) }
            : new[] { RandomInput(rng, n, inF), RandomInput(rng, outF, inF) };
        Run(n, inputs,
            t => Ops.Linear(t[0], t[1], bias ? t[2] : null),
            v => Linear(v[0], v[1], bias ? v[2] : null, n, inF, outF));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMul_AllTransposes(bool transA, bool transB)
    {
        const int m = 7, k = 5, n = 6;
        var rng = new System.Random((transA ? 2 : 0) + (transB ? 1 : 0));
        var a = transA ? RandomInput(rng, k, m) : RandomInput(rng, m, k);
        var b = transB ? RandomInput(rng, n, k) : RandomInput(rng, k, n);
        Run(3, [a, b], t => Ops.MatMul(t[0], t[1], transA, transB), v =>
        {
            var y = new double[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    for (int p = 0; p < k; p++)
                        y[i * n + j] += (transA ? v[0][p * m + i] : v[0][i * k + p]) * (transB ? v[1][j * k + p] : v[1][p * n + j]);
            return y;
        });
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void BatchedMatMul_AllTransposes(bool transA, bool transB)
    {
        const int batch = 3, m = 4, k = 5, n = 6;
        var rng = new System.Random(20 + (transA ? 2 : 0) + (transB ? 1 : 0));
        var a = transA ? RandomInput(rng, batch, k, m) : RandomInput(rng, batch, m, k);
        var b = transB ? RandomInput(rng, batch, n, k) : RandomInput(rng, batch, k, n);
        Run(4, [a, b], t => Ops.BatchedMatMul(t[0], t[1], transA, transB), v =>
        {
            var y = new double[batch * m * n];
            for (int s = 0; s < batch; s++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                        for (int p = 0; p < k; p++)
                            y[(s * m + i) * n + j] += (transA ? v[0][(s * k + p) * m + i] : v[0][(s * m + i) * k + p])
                                * (transB ? v[1][(s * n + j) * k + p] : v[1][(s * k + p) * n + j]);
            return y;
        });
    }

    public static TheoryData<string, int[], int[]> BroadcastCases => new()
    {
        { "Add", new[] { 5, 7 }, new[] { 5, 7 } },
        { "Add", new[] { 5, 7 }, new[] { 7 } },
        { "Add", new[] { 4, 3, 5 }, new[] { 4, 1, 1 } },
        { "Add", new[] { 4, 3 }, new[] { 1 } },
        { "Sub", new[] { 5, 7 }, new[] { 5, 7 } },
        { "Sub", new[] { 6, 2, 3 }, new[] { 2, 3 } },
        { "Sub", new[] { 4, 3 }, new[] { 4 } },
        { "Sub", new[] { 33 }, new[] { 1 } },
        { "Mul", new[] { 5, 7 }, new[] { 5, 7 } },
        { "Mul", new[] { 5, 7 }, new[] { 7 } },
        { "Mul", new[] { 4, 3, 5 }, new[] { 4, 1, 1 } },
        { "Mul", new[] { 4, 3 }, new[] { 1 } },
    };

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void Binary_BroadcastsAndBackpropagates(string op, int[] aShape, int[] bShape)
    {
        var rng = new System.Random(aShape.Sum() * 31 + bShape.Length + op.Length);
        var a = RandomInput(rng, aShape);
        var b = RandomInput(rng, bShape);
        long n = Shape.Count(aShape), nb = Shape.Count(bShape);
        // Index of b for element i of a: full, trailing suffix (row), leading (column) or scalar.
        Func<long, long> bIndex = nb == n ? i => i
            : nb == 1 ? _ => 0
            : bShape[^1] == aShape[^1] || bShape.Length < aShape.Length && bShape[0] != aShape[0] ? i => i % nb
            : i => i / (n / nb);
        Func<double, double, double> f = op switch { "Add" => (x, y) => x + y, "Sub" => (x, y) => x - y, _ => (x, y) => x * y };
        Run(7, [a, b],
            t => op switch { "Add" => Ops.Add(t[0], t[1]), "Sub" => Ops.Sub(t[0], t[1]), _ => Ops.Mul(t[0], t[1]) },
            v => Enumerable.Range(0, (int)n).Select(i => f(v[0][i], v[1][bIndex(i)])).ToArray());
    }

    public static TheoryData<UnaryOp, float> UnaryCases => new()
    {
        { UnaryOp.Relu, 0f }, { UnaryOp.LeakyRelu, 0.2f }, { UnaryOp.Silu, 0f }, { UnaryOp.Tanh, 0f },
        { UnaryOp.Sigmoid, 0f }, { UnaryOp.Gelu, 0f }, { UnaryOp.Exp, 0f }, { UnaryOp.Log, 0f },
        { UnaryOp.Square, 0f }, { UnaryOp.Neg, 0f }, { UnaryOp.Scale, -1.7f }, { UnaryOp.Identity, 0f },
    };

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void Unary_MatchesReferenceAndFiniteDifferences(UnaryOp op, float param)
    {
        var rng = new System.Random((int)op + 11);
        var x = op == UnaryOp.Log ? Positive(rng, 9, 15) : AwayFromZero(rng, 9, 15);
        Func<double, double> f = op switch
        {
            UnaryOp.Relu => v => Math.Max(v, 0),
            UnaryOp.LeakyRelu => v => v > 0 ? v : param * v,
            UnaryOp.Silu => v => v / (1 + Math.Exp(-v)),
            UnaryOp.Tanh => Math.Tanh,
            UnaryOp.Sigmoid => v => 1 / (1 + Math.Exp(-v)),
            UnaryOp.Gelu => v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))),
            UnaryOp.Exp => Math.Exp,
            UnaryOp.Log => Math.Log,
            UnaryOp.Square => v => v * v,
            UnaryOp.Neg => v => -v,
            UnaryOp.Scale => v => param * v,
            _ => v => v,
        };
        Run(5, [x], t => Ops.Unary(op, t[0], param), v => v[0].Select(f).ToArray());
    }

    [Fact]
    public void SumAndMean()
    {
        var rng = new System.Random(5);
        var x = RandomInput(rng, 13, 11);
        Run(1, [x], t => Ops.Sum(t[0]), v => [v[0].Sum()]);
        Run(2, [x], t => Ops.Mean(t[0]), v => [v[0].Average()]);
    }

    [Theory]
    [InlineData(0, false, false)]
    [InlineData(1, true, false)]
    [InlineData(2, false, true)]
    [InlineData(-1, false, false)]
    public void SumAxis_EachAxis(int axis, bool keepDim, bool mean)
    {
        int[] shape = [3, 4, 5];
        var rng = new System.Random(axis + 40);
        var x = RandomInput(rng, shape);
        int ax = axis < 0 ? axis + 3 : axis;
        int outer = shape.Take(ax).Aggregate(1, (p, d) => p * d), mid = shape[ax], inner = shape.Skip(ax + 1).Aggregate(1, (p, d) => p * d);
        Run(3, [x], t => Ops.SumAxis(t[0], axis, keepDim, mean), v =>
        {
            var y = new double[outer * inner];
            for (int o = 0; o < outer; o++)
                for (int m = 0; m < mid; m++)
                    for (int i = 0; i < inner; i++)
                        y[o * inner + i] += v[0][(o * mid + m) * inner + i] / (mean ? mid : 1);
            return y;
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SoftmaxAndLogSoftmax(bool log)
    {
        var rng = new System.Random(log ? 1 : 2);
        var x = RandomInput(rng, 6, 9);
        Run(4, [x], t => log ? Ops.LogSoftmax(t[0]) : Ops.Softmax(t[0]), v =>
        {
            var y = new double[v[0].Length];
            for (int r = 0; r < 6; r++)
            {
                var row = v[0].Skip(r * 9).Take(9).ToArray();
                double max = row.Max(), lse = max + Math.Log(row.Sum(e => Math.Exp(e - max)));
                for (int c = 0; c < 9; c++) y[r * 9 + c] = log ? row[c] - lse : Math.Exp(row[c] - lse);
            }
            return y;
        });
    }

    [Fact]
    public void MseLoss()
    {
        var rng = new System.Random(8);
        var pred = RandomInput(rng, 17, 3);
        var target = RandomInput(rng, 17, 3) with { Differentiable = false };
        Run(6, [pred, target], t => Ops.MseLoss(t[0], t[1]),
            v => [v[0].Zip(v[1], (p, q) => (p - q) * (p - q)).Average()]);
    }

    [Fact]
    public void BceWithLogits()
    {
        var rng = new System.Random(9);
        var logits = RandomInput(rng, 12, 5);
        logits = logits with { Values = logits.Values.Select(v => v * 4).ToArray() };
        var targets = new Input([12, 5], Enumerable.Range(0, 60).Select(_ => (double)rng.Next(2)).ToArray(), Differentiable: false);
        Run(6, [logits, targets], t => Ops.BceWithLogits(t[0], t[1]),
            v => [v[0].Zip(v[1], (x, z) => Math.Max(x, 0) - x * z + Math.Log(1 + Math.Exp(-Math.Abs(x)))).Average()]);
    }

    [Fact]
    public void CrossEntropy()
    {
        var rng = new System.Random(10);
        var logits = RandomInput(rng, 8, 7);
        var labels = new Input([8], Enumerable.Range(0, 8).Select(_ => (double)rng.Next(7)).ToArray(), Differentiable: false, Int: true);
        Run(6, [logits, labels], t => Ops.CrossEntropy(t[0], t[1]), v =>
        {
            double total = 0;
            for (int r = 0; r < 8; r++)
            {
                var row = v[0].Skip(r * 7).Take(7).ToArray();
                double max = row.Max(), lse = max + Math.Log(row.Sum(e => Math.Exp(e - max)));
                total += lse - row[(int)v[1][r]];
            }
            return [total / 8];
        });
    }

    [Fact]
    public void GaussianKl()
    {
        var rng = new System.Random(12);
        var mu = RandomInput(rng, 6, 4);
        var logvar = RandomInput(rng, 6, 4);
        Run(6, [mu, logvar], t => Ops.GaussianKl(t[0], t[1]),
            v => [v[0].Zip(v[1], (m, lv) => -0.5 * (1 + lv - m * m - Math.Exp(lv))).Sum() / 6]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void ConcatAlongEachAxis(int axis)
    {
        var rng = new System.Random(axis + 70);
        int[] sa = [2, 3, 4], sb = [2, 3, 4];
        sb[axis] = 5;
        var a = RandomInput(rng, sa);
        var b = RandomInput(rng, sb);
        Run(8, [a, b], t => Ops.Concat(axis, t[0], t[1]), v =>
        {
            int outer = sa.Take(axis).Aggregate(1, (p, d) => p * d);
            int ca = v[0].Length / outer, cb = v[1].Length / outer;
            var y = new List<double>();
            for (int o = 0; o < outer; o++)
            {
                y.AddRange(v[0].Skip(o * ca).Take(ca));
                y.AddRange(v[1].Skip(o * cb).Take(cb));
            }
            return y.ToArray();
        });
    }

    [Fact]
    public void NarrowAndReshape()
    {
        var rng = new System.Random(90);
        var x = RandomInput(rng, 4, 6, 3);
        Run(9, [x], t => Ops.Narrow(t[0], 1, 2, 3), v =>
        {
            var y = new List<double>();
            for (int o = 0; o < 4; o++) y.AddRange(v[0].Skip(o * 18 + 2 * 3).Take(9));
            return y.ToArray();
        });
        // Reshape is a view: its gradient must flow back into the source unchanged (then squared, to be non-trivial).
        Run(10, [x], t => Ops.Square(t[0].Reshape(12, -1)), v => v[0].Select(e => e * e).ToArray());
    }

    [Fact]
    public void GradientsAccumulateAcrossUses()
    {
        // y = x⊙x + x uses x twice: dL/dx = w(2x + 1). The tape must add both contributions.
        var rng = new System.Random(91);
        var x = RandomInput(rng, 5, 5);
        Run(11, [x], t => Ops.Add(Ops.Mul(t[0], t[0]), t[0]), v => v[0].Select(e => e * e + e).ToArray());
    }

    /// <summary>erf by its Maclaurin series (|x| &lt; 3 here), accurate to ~1e-15 in double.</summary>
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
            if (Math.Abs(term) < 1e-17) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
