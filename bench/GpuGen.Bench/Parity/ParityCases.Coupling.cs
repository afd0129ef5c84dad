namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private static IEnumerable<ParityCase> Coupling()
    {
        var rng = new HostRandom(1800);
        const int rows = 13, dim = 37, n = rows * dim;
        var mask = HostRandom.Checkerboard(dim, 1);
        var (x, sRaw, t, dy) = (rng.Normal(n), rng.Normal(n), rng.Normal(n), rng.Normal(n));
        var (logdet0, dLogdet, g0, g1, g2) = (rng.Normal(rows), rng.Normal(rows), rng.Normal(n), rng.Normal(n), rng.Normal(n));
        string shape = $"{rows}×{dim}";
        foreach (bool inverse in new[] { false, true })
            foreach (bool accumulate in new[] { false, true })
                yield return Case(inverse ? "AffineCouplingInverse" : "AffineCouplingForward", shape + (accumulate ? " logdet +=" : ""),
                    ParityTolerance.Transcendental, s =>
                    {
                        var (y, logdet) = (s.Poisoned(n), accumulate ? s.In(logdet0) : s.Poisoned(rows));
                        if (inverse) s.K.AffineCouplingInverse(rows, dim, s.In(x), s.In(mask), s.In(sRaw), s.In(t), y, logdet, accumulate);
                        else s.K.AffineCouplingForward(rows, dim, s.In(x), s.In(mask), s.In(sRaw), s.In(t), y, logdet, accumulate);
                        return [s.Read(y), s.Read(logdet)];
                    });
        foreach (var (accumulate, withLogdet) in new[] { (true, true), (false, true), (true, false) })
            yield return Case("AffineCouplingBackward", $"{shape}{(accumulate ? " +=" : "")}{(withLogdet ? " dLogdet" : "")}", ParityTolerance.Transcendental, s =>
            {
                var (dx, dsRaw, dt) = accumulate ? (s.In(g0), s.In(g1), s.In(g2)) : (s.Poisoned(n), s.Poisoned(n), s.Poisoned(n));
                s.K.AffineCouplingBackward(rows, dim, s.In(x), s.In(mask), s.In(sRaw), s.In(dy), withLogdet ? s.In(dLogdet) : null, dx, dsRaw, dt, accumulate);
                return [s.Read(dx), s.Read(dsRaw), s.Read(dt)];
            });
        foreach (float sign in new[] { 1f, -1f })
        {
            yield return Case("AdditiveCoupling", $"{shape} sign {sign}", ParityTolerance.Exact, s =>
            {
                var y = s.Poisoned(n);
                s.K.AdditiveCoupling(rows, dim, s.In(x), s.In(mask), s.In(t), y, sign);
                return [s.Read(y)];
            });
            yield return Case("AdditiveCouplingBackward", $"{shape} sign {sign} +=", ParityTolerance.Exact, s =>
            {
                var (dx, dt) = (s.In(g0), s.In(g1));
                s.K.AdditiveCouplingBackward(rows, dim, s.In(mask), s.In(dy), sign, dx, dt);
                return [s.Read(dx), s.Read(dt)];
            });
        }
        var v = rng.Ints(n, 0, 256).Select(i => (float)i).ToArray();
        var u = rng.Uniform(n, 0f, 1f);
        yield return Case("DequantizeLogit", $"{shape} 256 levels α=0.05", ParityTolerance.Transcendental, s =>
        {
            var (y, logdet) = (s.Poisoned(n), s.Poisoned(rows));
            s.K.DequantizeLogit(rows, dim, s.In(v), s.In(u), 0.05f, 256f, y, logdet);
            return [s.Read(y), s.Read(logdet)];
        });
    }
}
