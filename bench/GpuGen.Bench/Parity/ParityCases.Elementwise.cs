using GpuGen.Backends;

namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private const int N = 1001; // element-wise length: odd, not a multiple of any group or vector width

    private static IEnumerable<ParityCase> Elementwise()
    {
        var rng = new HostRandom(1200);
        yield return Case("Fill", $"n={N}", ParityTolerance.Exact, s =>
        {
            var x = s.Poisoned(N);
            s.K.Fill(N, 0.375f, x);
            return [s.Read(x)];
        });
        var (x0, y0) = (rng.Normal(N), rng.Normal(N));
        foreach (float beta in new[] { 0f, -0.3f })
            yield return Case("Axpby", $"n={N} β={beta}", ParityTolerance.Exact, s =>
            {
                var y = beta == 0 ? s.Poisoned(N) : s.In(y0);
                s.K.Axpby(N, 1.7f, s.In(x0), beta, y);
                return [s.Read(y)];
            });
        foreach (var op in Enum.GetValues<UnaryOp>()) foreach (var c in Unary(rng, op)) yield return c;
        foreach (var op in Enum.GetValues<BinaryOp>())
            foreach (var broadcast in Enum.GetValues<Broadcast>())
                yield return Binary(rng, op, broadcast, accumulate: false);
        yield return Binary(rng, BinaryOp.Mul, Broadcast.Row, accumulate: true);
        foreach (var (srcStride, accumulate) in new[] { (23, false), (23, true), (0, false) })
            yield return Copy2d(rng, srcStride, accumulate);
    }

    /// <summary>Unary forward (overwrite and accumulate) and backward (accumulate and overwrite) of one op.</summary>
    private static IEnumerable<ParityCase> Unary(HostRandom rng, UnaryOp op)
    {
        const int n = 517;
        float param = op == UnaryOp.LeakyRelu ? 0.1f : op == UnaryOp.Scale ? -1.7f : 0f;
        // ln needs x > 0; exp and square stay moderate so the relative bound means something.
        var x = op == UnaryOp.Log ? rng.Uniform(n, 0.05f, 4f) : rng.Normal(n, op == UnaryOp.Exp ? 2f : 1.5f);
        var y = x.Select(v => (float)Apply(op, v, param)).ToArray();
        var (dy, dx0, y0) = (rng.Normal(n), rng.Normal(n), rng.Normal(n));
        string tolShape = $"n={n}";
        double tol = op is UnaryOp.Identity or UnaryOp.Relu or UnaryOp.LeakyRelu or UnaryOp.Square or UnaryOp.Neg or UnaryOp.Scale
            ? ParityTolerance.Exact : ParityTolerance.Transcendental;
        foreach (bool accumulate in new[] { false, true })
            yield return Case($"Unary {op}", $"{tolShape}{(accumulate ? " +=" : "")}", tol, s =>
            {
                var outY = accumulate ? s.In(y0) : s.Poisoned(n);
                s.K.Unary(op, n, s.In(x), outY, param, accumulate);
                return [s.Read(outY)];
            });
        foreach (bool accumulate in new[] { true, false })
            yield return Case($"UnaryBackward {op}", $"{tolShape}{(accumulate ? " +=" : "")}", tol, s =>
            {
                var dx = accumulate ? s.In(dx0) : s.Poisoned(n);
                s.K.UnaryBackward(op, n, s.In(x), s.In(y), s.In(dy), dx, param, accumulate);
                return [s.Read(dx)];
            });
    }

    /// <summary>y = f(x) in float64, the forward that UnaryBackward is given beside x.</summary>
    private static double Apply(UnaryOp op, double x, double param) => op switch
    {
        UnaryOp.Identity => x,
        UnaryOp.Relu => Math.Max(x, 0),
        UnaryOp.LeakyRelu => x > 0 ? x : param * x,
        UnaryOp.Silu => x / (1 + Math.Exp(-x)),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Sigmoid => 1 / (1 + Math.Exp(-x)),
        UnaryOp.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Square => x * x,
        UnaryOp.Neg => -x,
        UnaryOp.Scale => param * x,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>erf by Abramowitz–Stegun 7.1.26 (|error| &lt; 1.5·10⁻⁷): only an input to the backward, both sides get the same.</summary>
    private static double Erf(double x)
    {
        double t = 1 / (1 + 0.3275911 * Math.Abs(x));
        double p = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return Math.Sign(x) * (1 - p * Math.Exp(-x * x));
    }

    private static ParityCase Binary(HostRandom rng, BinaryOp op, Broadcast broadcast, bool accumulate)
    {
        const int rows = 13, cols = 37;
        int bLength = broadcast switch { Broadcast.Row => cols, Broadcast.Column => rows, Broadcast.Scalar => 1, _ => rows * cols };
        var (a, b, y0) = (rng.Normal(rows * cols), rng.Normal(bLength), rng.Normal(rows * cols));
        return Case($"Binary {op}", $"{rows}×{cols} broadcast {broadcast}{(accumulate ? " +=" : "")}", ParityTolerance.Exact, s =>
        {
            var y = accumulate ? s.In(y0) : s.Poisoned(rows * cols);
            s.K.Binary(op, rows, cols, s.In(a), s.In(b), broadcast, y, accumulate);
            return [s.Read(y)];
        });
    }

    /// <summary>A 7×19 block between padded rows at offsets; the destination's gaps start random and must keep their values.</summary>
    private static ParityCase Copy2d(HostRandom rng, int srcStride, bool accumulate)
    {
        const int rows = 7, cols = 19, srcOffset = 5, dstOffset = 3, dstStride = 29;
        var src = rng.Normal(srcOffset + (rows - 1) * srcStride + cols);
        var dst0 = rng.Normal(dstOffset + (rows - 1) * dstStride + cols + 4);
        return Case("Copy2d", $"{rows}×{cols} src stride {srcStride} dst stride {dstStride}{(accumulate ? " +=" : "")}", ParityTolerance.Exact, s =>
        {
            var dst = s.In(dst0);
            s.K.Copy2d(rows, cols, s.In(src), srcOffset, srcStride, dst, dstOffset, dstStride, accumulate);
            return [s.Read(dst)];
        });
    }
}
