using GpuGen.Backends;

namespace GpuGen.Bench.Parity;

/// <summary>
/// Runs parity cases on a device and on the `cpu` reference and compares the outputs (see
/// <see cref="ParityCase"/>). A case whose device launch throws is a failure with the message, and the
/// remaining cases still run, so one broken kernel does not hide the state of the others.
/// </summary>
public static class KernelParity
{
    public static IReadOnlyList<ParityResult> Run(IBackend device, IBackend reference, IEnumerable<ParityCase> cases,
        Action<ParityResult>? progress = null)
    {
        var results = new List<ParityResult>();
        foreach (var c in cases)
        {
            float[][] expected;
            using (var side = new ParitySide(reference)) expected = c.Run(side);
            ParityResult result;
            try
            {
                using var side = new ParitySide(device);
                result = Compare(c, c.Run(side), expected);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result = new ParityResult(c.Kernel, c.Shape, double.NaN, double.NaN, c.Tolerance,
                    $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            }
            progress?.Invoke(result);
            results.Add(result);
        }
        return results;
    }

    /// <summary>
    /// max |a − e| over all outputs, and the largest per-output max |a − e| / max |e|. Any non-finite value
    /// on either side fails (outputs start as NaN, so an element left unwritten shows up here).
    /// </summary>
    public static ParityResult Compare(ParityCase c, float[][] actual, float[][] expected)
    {
        if (actual.Length != expected.Length)
            return Fail(c, $"{actual.Length} outputs, the reference has {expected.Length}");
        double maxAbs = 0, maxRel = 0;
        for (int o = 0; o < expected.Length; o++)
        {
            var (a, e) = (actual[o], expected[o]);
            if (a.Length != e.Length) return Fail(c, $"output {o} has {a.Length} elements, the reference {e.Length}");
            double diff = 0, scale = 0;
            for (int i = 0; i < e.Length; i++)
            {
                if (!float.IsFinite(e[i])) return Fail(c, $"the reference's output {o}[{i}] is {e[i]}");
                if (!float.IsFinite(a[i])) return Fail(c, $"output {o}[{i}] is {a[i]} (reference {e[i]})");
                diff = Math.Max(diff, Math.Abs((double)a[i] - e[i]));
                scale = Math.Max(scale, Math.Abs((double)e[i]));
            }
            maxAbs = Math.Max(maxAbs, diff);
            maxRel = Math.Max(maxRel, diff == 0 ? 0 : diff / Math.Max(scale, 1e-30));
        }
        return new ParityResult(c.Kernel, c.Shape, maxAbs, maxRel, c.Tolerance, null);
    }

    private static ParityResult Fail(ParityCase c, string why) => new(c.Kernel, c.Shape, double.NaN, double.NaN, c.Tolerance, why);
}
