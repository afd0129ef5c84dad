using System.Globalization;
using Xunit.Sdk;

namespace GpuGen.Tests.Support;

/// <summary>Comparison of float kernel results with float64 references.</summary>
public static class Approx
{
    /// <summary>
    /// Passes when |actual − expected| ≤ atol + rtol·scale for every element, where scale is
    /// |expected| unless given (for sums, pass Σ|terms|: the size of the rounding the sum can carry).
    /// An expected NaN means "must still be NaN" (an element the kernel must not touch). On failure
    /// the message names the worst element, its values, and the max abs/rel differences.
    /// </summary>
    public static void Close(double[] expected, float[] actual, double rtol, double atol, string what = "", double[]? scale = null)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = -1, failures = 0;
        double worstExcess = 0, maxAbs = 0, maxRel = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e))
            {
                if (!double.IsNaN(a)) Fail(i, e, a, ref worst, ref worstExcess, double.PositiveInfinity, ref failures);
                continue;
            }
            double diff = Math.Abs(a - e);
            if (double.IsNaN(diff)) diff = double.PositiveInfinity;
            maxAbs = Math.Max(maxAbs, diff);
            if (e != 0) maxRel = Math.Max(maxRel, diff / Math.Abs(e));
            double tol = atol + rtol * (scale?[i] ?? Math.Abs(e));
            if (diff > tol) Fail(i, e, a, ref worst, ref worstExcess, diff / tol, ref failures);
        }
        if (failures > 0)
            throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {failures} of {expected.Length} elements out of tolerance (rtol {rtol:g3}, atol {atol:g3}); worst at [{worst}]: expected {expected[worst]:R}, got {actual[worst]:R}; max abs diff {maxAbs:g4}, max rel diff {maxRel:g4}"));
    }

    /// <summary>Scalar form of <see cref="Close(double[], float[], double, double, string, double[])"/>.</summary>
    public static void Close(double expected, float actual, double rtol, double atol, string what = "", double scale = double.NaN) =>
        Close([expected], [actual], rtol, atol, what, double.IsNaN(scale) ? null : [scale]);

    private static void Fail(int i, double e, double a, ref int worst, ref double worstExcess, double excess, ref int failures)
    {
        failures++;
        if (worst < 0 || excess > worstExcess)
        {
            worst = i;
            worstExcess = excess;
        }
    }
}
