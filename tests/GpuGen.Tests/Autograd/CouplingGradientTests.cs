using GpuGen.Autograd;
using GpuGen.Tensors;
using static GpuGen.Tests.Autograd.GradientCheck;

namespace GpuGen.Tests.Autograd;

/// <summary>The coupling ops' forward against float64 and their backward against finite differences.</summary>
public class CouplingGradientTests
{
    private static readonly double[] MaskValues = [1, 0, 0, 1, 0, 1, 1];

    [Theory]
    [InlineData(1, 7)]
    [InlineData(4, 7)]
    public void AffineCoupling_YAndLogdet(int rows, int dim)
    {
        var rng = new System.Random(rows * 10 + dim);
        var mask = new Input([dim], MaskValues[..dim], Differentiable: false);
        // y and logdet side by side, [rows, dim + 1], so one weighted sum checks both outputs' gradients.
        Run(rows, [RandomInput(rng, rows, dim), mask, RandomInput(rng, rows, dim), RandomInput(rng, rows, dim)],
            t =>
            {
                var (y, logdet) = Ops.AffineCoupling(t[0], t[1], t[2], t[3]);
                return Ops.Concat(1, y, logdet.Reshape(rows, 1));
            },
            v =>
            {
                var outp = new double[rows * (dim + 1)];
                for (int r = 0; r < rows; r++)
                {
                    double ld = 0;
                    for (int i = 0; i < dim; i++)
                    {
                        int k = r * dim + i;
                        double m = v[1][i], s = Math.Tanh(v[2][k]) * (1 - m);
                        outp[r * (dim + 1) + i] = v[0][k] * m + (1 - m) * (v[0][k] * Math.Exp(s) + v[3][k]);
                        ld += s;
                    }
                    outp[r * (dim + 1) + dim] = ld;
                }
                return outp;
            });
    }

    [Fact]
    public void AffineCoupling_LogdetAlone()
    {
        // Only the log-determinant is used downstream: dy is taken as zero.
        const int rows = 3, dim = 5;
        var rng = new System.Random(5);
        var mask = new Input([dim], MaskValues[..dim], Differentiable: false);
        Run(9, [RandomInput(rng, rows, dim), mask, RandomInput(rng, rows, dim), RandomInput(rng, rows, dim)],
            t => Ops.AffineCoupling(t[0], t[1], t[2], t[3]).LogDet,
            v => Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, dim).Sum(i => Math.Tanh(v[2][r * dim + i]) * (1 - v[1][i]))).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AdditiveCoupling(bool inverse)
    {
        const int rows = 3, dim = 7;
        var rng = new System.Random(inverse ? 1 : 2);
        var mask = new Input([dim], MaskValues, Differentiable: false);
        double sign = inverse ? -1 : 1;
        Run(4, [RandomInput(rng, rows, dim), mask, RandomInput(rng, rows, dim)],
            t => Ops.AdditiveCoupling(t[0], t[1], t[2], inverse),
            v => v[0].Select((x, k) => x + sign * (1 - v[1][k % dim]) * v[2][k]).ToArray());
    }

    [Fact]
    public void AffineCouplingInverse_UndoesForward()
    {
        using var device = Device.Cpu();
        var rng = new System.Random(3);
        const int rows = 6, dim = 7;
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        using var scope = device.NoGrad();
        var x = Tensor.FromArray(device, R(rows * dim), rows, dim);
        var mask = Tensor.FromArray(device, MaskValues.Select(v => (float)v).ToArray(), dim);
        var s = Tensor.FromArray(device, R(rows * dim), rows, dim);
        var t = Tensor.FromArray(device, R(rows * dim), rows, dim);
        var (y, ld) = Ops.AffineCoupling(x, mask, s, t);
        var (back, ldInv) = Ops.AffineCouplingInverse(y, mask, s, t);
        var xs = x.ToArray();
        var bs = back.ToArray();
        Assert.True(xs.Zip(bs).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
        Assert.Equal(ld.ToArray().Select(v => -v), ldInv.ToArray());
    }
}
