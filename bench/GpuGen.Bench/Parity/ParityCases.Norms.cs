namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private const float NormEps = 1e-5f;

    /// <summary>
    /// GroupNorm forward (affine, SiLU-fused, no affine) and backward; the backward gets mean and rstd from
    /// float64 statistics of x on the host, so it is checked on its own rather than through the forward.
    /// </summary>
    private static IEnumerable<ParityCase> GroupNorm(HostRandom rng)
    {
        const int batch = 3, channels = 8, spatial = 35, groups = 4;
        int n = batch * channels * spatial;
        var (x, gamma, beta, dy) = (rng.Normal(n, 2f), rng.Normal(channels), rng.Normal(channels), rng.Normal(n));
        var (dx0, dg0, db0) = (rng.Normal(n), rng.Normal(channels), rng.Normal(channels));
        var (mean, rstd) = Stats(x, batch * groups, 1, channels / groups * spatial);
        string shape = $"{batch}×{channels}×{spatial} groups {groups}";
        foreach (var (affine, silu) in new[] { (true, false), (true, true), (false, false) })
            yield return Case("GroupNormForward", $"{shape}{(affine ? "" : " no γ/β")}{(silu ? " SiLU" : "")}", ParityTolerance.Sum, s =>
            {
                var (y, m, r) = (s.Poisoned(n), s.Poisoned(batch * groups), s.Poisoned(batch * groups));
                s.K.GroupNormForward(batch, channels, spatial, groups, NormEps, s.In(x), affine ? s.In(gamma) : null, affine ? s.In(beta) : null, y, m, r, silu);
                return [s.Read(y), s.Read(m), s.Read(r)];
            });
        foreach (var (accumulate, silu) in new[] { (true, false), (false, false), (true, true) })
            yield return Case("GroupNormBackward", $"{shape}{(accumulate ? " +=" : " dx =")}{(silu ? " SiLU" : "")}", ParityTolerance.NormBackward, s =>
            {
                var (dx, dg, db) = (accumulate ? s.In(dx0) : s.Poisoned(n), s.In(dg0), s.In(db0));
                s.K.GroupNormBackward(batch, channels, spatial, groups, s.In(x), s.In(gamma), s.In(mean), s.In(rstd), s.In(dy),
                    dx, dg, db, accumulate, silu, silu ? s.In(beta) : null);
                return [s.Read(dx), s.Read(dg), s.Read(db)];
            });
    }

    /// <summary>BatchNorm forward in training (running statistics updated) and evaluation, and both backwards.</summary>
    private static IEnumerable<ParityCase> BatchNorm(HostRandom rng)
    {
        const int batch = 5, channels = 6, spatial = 23;
        int n = batch * channels * spatial;
        var (x, gamma, beta, dy) = (rng.Normal(n, 1.5f), rng.Normal(channels), rng.Normal(channels), rng.Normal(n));
        var (runMean, runVar) = (rng.Normal(channels, 0.3f), rng.Uniform(channels, 0.5f, 2f));
        var (dx0, dg0, db0) = (rng.Normal(n), rng.Normal(channels), rng.Normal(channels));
        var (mean, rstd) = Stats(x, channels, batch, spatial);
        string shape = $"{batch}×{channels}×{spatial}";
        foreach (bool training in new[] { true, false })
        {
            string mode = training ? "training" : "eval";
            yield return Case("BatchNormForward", $"{shape} {mode}", ParityTolerance.Sum, s =>
            {
                var (y, m, r, rm, rv) = (s.Poisoned(n), s.Poisoned(channels), s.Poisoned(channels), s.In(runMean), s.In(runVar));
                s.K.BatchNormForward(batch, channels, spatial, training, 0.1f, NormEps, s.In(x), s.In(gamma), s.In(beta), rm, rv, y, m, r);
                return [s.Read(y), s.Read(m), s.Read(r), s.Read(rm), s.Read(rv)];
            });
            yield return Case("BatchNormBackward", $"{shape} {mode} +=", ParityTolerance.NormBackward, s =>
            {
                var (dx, dg, db) = (s.In(dx0), s.In(dg0), s.In(db0));
                s.K.BatchNormBackward(batch, channels, spatial, training, s.In(x), s.In(gamma), s.In(mean), s.In(rstd), s.In(dy), dx, dg, db);
                return [s.Read(dx), s.Read(dg), s.Read(db)];
            });
        }
    }

    /// <summary>
    /// Mean and 1/√(σ² + eps) (biased σ²) in float64 for each of <paramref name="sets"/> sets, set k made of
    /// <paramref name="blocks"/> runs of <paramref name="run"/> elements, run b at (b·sets + k)·run: a
    /// group of GroupNorm is one run (blocks = 1), a channel of BatchNorm is one run per example.
    /// </summary>
    private static (float[] Mean, float[] Rstd) Stats(float[] x, int sets, int blocks, int run)
    {
        var (mean, rstd) = (new float[sets], new float[sets]);
        for (int k = 0; k < sets; k++)
        {
            double sum = 0, sq = 0;
            for (int b = 0; b < blocks; b++)
                for (int i = 0; i < run; i++)
                {
                    double v = x[(b * sets + k) * run + i];
                    sum += v;
                    sq += v * v;
                }
            int count = blocks * run;
            double mu = sum / count;
            mean[k] = (float)mu;
            rstd[k] = (float)(1 / Math.Sqrt(sq / count - mu * mu + NormEps));
        }
        return (mean, rstd);
    }
}
