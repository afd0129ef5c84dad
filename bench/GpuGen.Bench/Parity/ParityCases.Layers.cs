namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private static IEnumerable<ParityCase> Layers()
    {
        var rng = new HostRandom(1900);
        const int planes = 6, h = 9, w = 7; // odd: the last row and column are dropped by the pooling
        var x = rng.Normal(planes * h * w);
        var pooled = rng.Normal(planes * (h / 2) * (w / 2));
        var (dx0, up) = (rng.Normal(planes * h * w), rng.Normal(planes * 4 * h * w));
        string shape = $"{planes}×{h}×{w}";
        yield return Case("AvgPool2x2", shape, ParityTolerance.Exact, s =>
        {
            var y = s.Poisoned(pooled.Length);
            s.K.AvgPool2x2(planes, h, w, s.In(x), y);
            return [s.Read(y)];
        });
        yield return Case("AvgPool2x2Backward", shape + " +=", ParityTolerance.Exact, s =>
        {
            var dx = s.In(dx0);
            s.K.AvgPool2x2Backward(planes, h, w, s.In(pooled), dx);
            return [s.Read(dx)];
        });
        yield return Case("UpsampleNearest2x", shape, ParityTolerance.Exact, s =>
        {
            var y = s.Poisoned(up.Length);
            s.K.UpsampleNearest2x(planes, h, w, s.In(x), y);
            return [s.Read(y)];
        });
        foreach (bool accumulate in new[] { false, true })
            yield return Case("UpsampleNearest2xBackward", shape + (accumulate ? " +=" : ""), ParityTolerance.Exact, s =>
            {
                var dx = accumulate ? s.In(dx0) : s.Poisoned(dx0.Length);
                s.K.UpsampleNearest2xBackward(planes, h, w, s.In(up), dx, accumulate);
                return [s.Read(dx)];
            });
        foreach (var c in GroupNorm(rng)) yield return c;
        foreach (var c in BatchNorm(rng)) yield return c;
        foreach (var c in EmbeddingAndDropout(rng)) yield return c;
    }

    private static IEnumerable<ParityCase> EmbeddingAndDropout(HostRandom rng)
    {
        const int rows = 13, vocab = 11, dim = 19;
        var indices = rng.Ints(rows, 0, vocab); // 13 draws from 11: some indices repeat, and their rows add up
        var (table, dy, dTable0) = (rng.Normal(vocab * dim), rng.Normal(rows * dim), rng.Normal(vocab * dim));
        yield return Case("EmbeddingForward", $"{rows} rows of {vocab}×{dim}", ParityTolerance.Exact, s =>
        {
            var y = s.Poisoned(rows * dim);
            s.K.EmbeddingForward(rows, vocab, dim, s.In(indices), s.In(table), y);
            return [s.Read(y)];
        });
        yield return Case("EmbeddingBackward", $"{rows} rows of {vocab}×{dim} +=", ParityTolerance.Sum, s =>
        {
            var dTable = s.In(dTable0);
            s.K.EmbeddingBackward(rows, vocab, dim, s.In(indices), s.In(dy), dTable);
            return [s.Read(dTable)];
        });
        const ulong seed = 77, stream = 5, offset = 3;
        var (x, g, dx0) = (rng.Normal(N), rng.Normal(N), rng.Normal(N));
        yield return Case("DropoutForward", $"n={N} p=0.3 offset {offset}", ParityTolerance.Exact, s =>
        {
            var y = s.Poisoned(N);
            s.K.DropoutForward(N, 0.3f, seed, stream, offset, s.In(x), y);
            return [s.Read(y)];
        });
        yield return Case("DropoutBackward", $"n={N} p=0.3 offset {offset} +=", ParityTolerance.Exact, s =>
        {
            var dx = s.In(dx0);
            s.K.DropoutBackward(N, 0.3f, seed, stream, offset, s.In(g), dx);
            return [s.Read(dx)];
        });
    }
}
