namespace GpuGen.Metrics;

/// <summary>
/// Maximum mean discrepancy (Gretton et al. 2012) between two point sets with a sum of Gaussian RBF
/// kernels, k(a, b) = Σ_σ exp(−‖a − b‖²/(2σ²)), computed in float64. <see cref="Squared"/> is the
/// unbiased estimator (eq. 3 of the paper): it is zero in expectation when both sets come from one
/// distribution and can be slightly negative.
/// </summary>
public static class Mmd
{
    /// <summary>Bandwidths suited to the 2-D toy data (their features have scale ~0.1 to ~4).</summary>
    public static IReadOnlyList<double> DefaultBandwidths { get; } = [0.1, 0.3, 1.0, 3.0];

    /// <summary>Unbiased MMD² of x [n, dim] and y [m, dim] (row-major).</summary>
    public static double Squared(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int dim, IReadOnlyList<double>? bandwidths = null)
    {
        if (dim < 1 || x.Length % dim != 0 || y.Length % dim != 0)
            throw new ArgumentException($"point sets of {x.Length} and {y.Length} values do not split into rows of {dim}");
        int n = x.Length / dim, m = y.Length / dim;
        if (n < 2 || m < 2) throw new ArgumentException("MMD needs at least two points in each set");
        var gammas = (bandwidths ?? DefaultBandwidths).Select(s => 1 / (2 * s * s)).ToArray();
        double xx = PairSum(x, x, dim, gammas, skipDiagonal: true) / ((double)n * (n - 1));
        double yy = PairSum(y, y, dim, gammas, skipDiagonal: true) / ((double)m * (m - 1));
        double xy = PairSum(x, y, dim, gammas, skipDiagonal: false) / ((double)n * m);
        return xx + yy - 2 * xy;
    }

    private static double PairSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int dim, double[] gammas, bool skipDiagonal)
    {
        int n = a.Length / dim, m = b.Length / dim;
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                if (skipDiagonal && i == j) continue;
                double d2 = 0;
                for (int c = 0; c < dim; c++)
                {
                    double diff = a[i * dim + c] - b[j * dim + c];
                    d2 += diff * diff;
                }
                foreach (double g in gammas) total += Math.Exp(-g * d2);
            }
        return total;
    }
}
