using GpuGen.Backends;

namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    private static IEnumerable<ParityCase> Diffusion()
    {
        var rng = new HostRandom(1600);
        const int batch = 7, dim = 64, steps = 1000;
        var t = rng.Ints(batch, 0, steps);
        yield return Case("TimestepEmbedding", $"batch {batch} dim {dim} t < {steps}", ParityTolerance.Phase, s =>
        {
            var y = s.Poisoned(batch * dim);
            s.K.TimestepEmbedding(batch, dim, s.In(t), y);
            return [s.Read(y)];
        });
        // A linear β schedule's tables (Ho et al. 2020): ᾱ = Π(1 − β), β from 10⁻⁴ to 0.02.
        var alphaBar = new double[steps];
        for (int i = 0; i < steps; i++) alphaBar[i] = (i == 0 ? 1 : alphaBar[i - 1]) * (1 - (1e-4 + (0.02 - 1e-4) * i / (steps - 1)));
        var sqrtAb = alphaBar.Select(a => (float)Math.Sqrt(a)).ToArray();
        var sqrtOneMinus = alphaBar.Select(a => (float)Math.Sqrt(1 - a)).ToArray();
        const int per = 37;
        var (x0, eps) = (rng.Normal(batch * per), rng.Normal(batch * per));
        foreach (bool withV in new[] { false, true })
            yield return Case("DiffusionQSample", $"batch {batch} × {per}{(withV ? " with v" : "")}", ParityTolerance.Exact, s =>
            {
                var xt = s.Poisoned(batch * per);
                var v = withV ? s.Poisoned(batch * per) : null;
                s.K.DiffusionQSample(batch, per, s.In(x0), s.In(eps), s.In(t), s.In(sqrtAb), s.In(sqrtOneMinus), xt, v);
                return v is null ? [s.Read(xt)] : [s.Read(xt), s.Read(v)];
            });
        var (xtIn, o, oU, z) = (rng.Normal(N), rng.Normal(N), rng.Normal(N), rng.Normal(N));
        // DDPM ε-prediction at ᾱ = 0.5 with x̂₀ clipped, guidance 1.5; then DDIM-like v-style coefficients, no noise.
        var ddpm = new DiffusionStepArgs(1.4142135f, 1f, 1f, 0.3f, 0.6f, 0f, 0.2f, Guidance: 1.5f);
        var ddim = new DiffusionStepArgs(0.8f, 0.6f, 0f, 0.9f, 0f, 0.43f, 0f, EpsFromXt: 0.6f, EpsFromOut: 0.8f);
        yield return Case("DiffusionStep", $"n={N} DDPM clip 1 guidance 1.5 with z, x̂₀", ParityTolerance.Transcendental, s =>
        {
            var (xPrev, x0Out) = (s.Poisoned(N), s.Poisoned(N));
            s.K.DiffusionStep(N, s.In(xtIn), s.In(o), s.In(z), xPrev, x0Out, ddpm, s.In(oU));
            return [s.Read(xPrev), s.Read(x0Out)];
        });
        yield return Case("DiffusionStep", $"n={N} v-style, no z, no x̂₀", ParityTolerance.Transcendental, s =>
        {
            var xPrev = s.Poisoned(N);
            s.K.DiffusionStep(N, s.In(xtIn), s.In(o), null, xPrev, null, ddim);
            return [s.Read(xPrev)];
        });
    }
}
