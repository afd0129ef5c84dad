using GpuGen.Backends;

namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private static IEnumerable<ParityCase> Optimizers()
    {
        var rng = new HostRandom(1500);
        var (param, grad, m, v) = (rng.Normal(N), rng.Normal(N), rng.Normal(N, 0.1f), rng.Uniform(N, 0f, 0.02f));
        foreach (bool decoupled in new[] { false, true })
        {
            // Step 5 of β₁ = 0.9, β₂ = 0.999: bias corrections 1 − βᵗ as the host computes them.
            var args = new AdamArgs(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, (float)(1 - Math.Pow(0.9, 5)), (float)(1 - Math.Pow(0.999, 5)));
            yield return Case("AdamStep", $"n={N} {(decoupled ? "AdamW" : "Adam")} wd 0.01", ParityTolerance.Transcendental, s =>
            {
                var (p, mm, vv) = (s.In(param), s.In(m), s.In(v));
                s.K.AdamStep(N, p, s.In(grad), mm, vv, args);
                return [s.Read(p), s.Read(mm), s.Read(vv)];
            });
        }
        yield return Case("EmaUpdate", $"n={N} decay 0.999", ParityTolerance.Exact, s =>
        {
            var ema = s.In(m);
            s.K.EmaUpdate(N, ema, s.In(param), 0.999f);
            return [s.Read(ema)];
        });
    }
}
