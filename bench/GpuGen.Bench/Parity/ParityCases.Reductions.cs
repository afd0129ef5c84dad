namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private static IEnumerable<ParityCase> Reductions()
    {
        var rng = new HostRandom(1300);
        foreach (var (outer, mid, inner, accumulate) in new[] { (5, 37, 9, false), (3, 301, 1, false), (1, 7, 129, true) })
        {
            var (x, y0) = (rng.Normal(outer * mid * inner), rng.Normal(outer * inner));
            yield return Case("ReduceSum", $"{outer}×{mid}×{inner} α=0.5{(accumulate ? " +=" : "")}", ParityTolerance.Sum, s =>
            {
                var y = accumulate ? s.In(y0) : s.Poisoned(outer * inner);
                s.K.ReduceSum(outer, mid, inner, s.In(x), y, 0.5f, accumulate);
                return [s.Read(y)];
            });
        }
        const int rows = 11, cols = 67;
        var logits = rng.Normal(rows * cols, 3f);
        foreach (bool log in new[] { false, true })
        {
            string name = log ? "log-softmax" : "softmax";
            yield return Case("Softmax", $"{rows}×{cols} {name}", ParityTolerance.Transcendental, s =>
            {
                var y = s.Poisoned(rows * cols);
                s.K.Softmax(rows, cols, s.In(logits), y, log);
                return [s.Read(y)];
            });
            var y = SoftmaxRows(logits, rows, cols, log);
            var (dy, dx0) = (rng.Normal(rows * cols), rng.Normal(rows * cols));
            yield return Case("SoftmaxBackward", $"{rows}×{cols} {name} +=", ParityTolerance.Sum, s =>
            {
                var dx = s.In(dx0);
                s.K.SoftmaxBackward(rows, cols, s.In(y), s.In(dy), dx, log);
                return [s.Read(dx)];
            });
        }
    }

    /// <summary>Row-wise softmax in float64: the forward output SoftmaxBackward is given.</summary>
    private static float[] SoftmaxRows(float[] x, int rows, int cols, bool log)
    {
        var y = new float[x.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = x.AsSpan(r * cols, cols);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float v in row) max = Math.Max(max, v);
            foreach (float v in row) sum += Math.Exp(v - max);
            for (int c = 0; c < cols; c++)
                y[r * cols + c] = (float)(log ? row[c] - max - Math.Log(sum) : Math.Exp(row[c] - max) / sum);
        }
        return y;
    }
}
