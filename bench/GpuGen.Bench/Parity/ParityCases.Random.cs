namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    /// <summary>
    /// Philox fills from an odd offset (Box–Muller pairs and the four-word Philox blocks start mid-way):
    /// the same (seed, stream, offset) must give the same numbers on every device.
    /// </summary>
    private static IEnumerable<ParityCase> RandomFills()
    {
        const ulong seed = 20261206, stream = 3, offset = 7;
        yield return Case("UniformFill", $"n={N} offset {offset} [-2, 3)", ParityTolerance.Exact, s =>
        {
            var x = s.Poisoned(N);
            s.K.UniformFill(N, seed, stream, offset, x, -2f, 3f);
            return [s.Read(x)];
        });
        yield return Case("GaussianFill", $"n={N} offset {offset} N(0.5, 2²)", ParityTolerance.Transcendental, s =>
        {
            var x = s.Poisoned(N);
            s.K.GaussianFill(N, seed, stream, offset, x, 0.5f, 2f);
            return [s.Read(x)];
        });
        yield return Case("UniformIntFill", $"n={N} offset {offset} [-3, 17)", 0, s =>
        {
            var x = s.Poisoned(N);
            s.K.UniformIntFill(N, seed, stream, offset, x, -3, 17);
            return [s.ReadInts(x)];
        });
    }
}
