namespace GpuGen.Metrics;

/// <summary>
/// The Fréchet (2-Wasserstein) distance between two Gaussians, as FID uses it on network features
/// (Heusel et al. 2017, eq. 6; Dowson &amp; Landau 1982):
/// d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2(Σ₁^{½} Σ₂ Σ₁^{½})^{½}).
/// The matrix square roots come from symmetric eigendecompositions (<see cref="SymmetricEigen"/>), so
/// the product under the root is symmetric positive semi-definite and its root's trace is Σ √λᵢ;
/// tiny negative eigenvalues from rounding are clamped to zero. All in float64.
/// </summary>
public static class FrechetDistance
{
    /// <summary>d² between N(μ₁, Σ₁) and N(μ₂, Σ₂).</summary>
    public static double Compute(double[] mean1, double[,] cov1, double[] mean2, double[,] cov2)
    {
        int d = mean1.Length;
        if (mean2.Length != d || cov1.GetLength(0) != d || cov1.GetLength(1) != d || cov2.GetLength(0) != d || cov2.GetLength(1) != d)
            throw new ArgumentException($"Fréchet distance: means of {mean1.Length} and {mean2.Length} and covariances {cov1.GetLength(0)}×{cov1.GetLength(1)} and {cov2.GetLength(0)}×{cov2.GetLength(1)} do not agree");
        double meanTerm = 0;
        for (int i = 0; i < d; i++) meanTerm += (mean1[i] - mean2[i]) * (mean1[i] - mean2[i]);
        var root1 = SquareRoot(Symmetrized(cov1));
        var product = Symmetrized(Multiply(Multiply(root1, cov2), root1));
        var (values, _) = SymmetricEigen.Decompose(product);
        double traceRoot = values.Sum(v => Math.Sqrt(Math.Max(v, 0)));
        double trace = 0;
        for (int i = 0; i < d; i++) trace += cov1[i, i] + cov2[i, i];
        // The trace term is ≥ 0 in exact arithmetic (it is ‖Σ₁^{½} − Σ₂^{½}‖²_F when they commute); rounding can dip below.
        return meanTerm + Math.Max(trace - 2 * traceRoot, 0);
    }

    /// <summary>d² between the Gaussians fitted to two sets of features.</summary>
    public static double Compute(GaussianStats a, GaussianStats b) => Compute(a.Mean, a.Covariance, b.Mean, b.Covariance);

    /// <summary>d² between the Gaussians fitted to the rows of <paramref name="x"/> [n, d] and <paramref name="y"/> [m, d].</summary>
    public static double Compute(double[,] x, double[,] y) => Compute(GaussianStats.Of(x), GaussianStats.Of(y));

    /// <summary>The symmetric positive semi-definite square root V·diag(√max(λ, 0))·Vᵀ.</summary>
    public static double[,] SquareRoot(double[,] a)
    {
        var (values, v) = SymmetricEigen.Decompose(a);
        int n = values.Length;
        var root = new double[n, n];
        for (int k = 0; k < n; k++)
        {
            double s = Math.Sqrt(Math.Max(values[k], 0));
            if (s == 0) continue;
            for (int i = 0; i < n; i++)
            {
                double vik = v[i, k] * s;
                for (int j = 0; j < n; j++) root[i, j] += vik * v[j, k];
            }
        }
        return root;
    }

    private static double[,] Symmetrized(double[,] a)
    {
        int n = a.GetLength(0);
        var s = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) s[i, j] = 0.5 * (a[i, j] + a[j, i]);
        return s;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = b.GetLength(1), inner = a.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < inner; k++)
            {
                double aik = a[i, k];
                if (aik == 0) continue;
                for (int j = 0; j < m; j++) c[i, j] += aik * b[k, j];
            }
        return c;
    }
}
