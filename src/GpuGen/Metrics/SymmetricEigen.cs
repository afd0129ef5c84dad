namespace GpuGen.Metrics;

/// <summary>
/// Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method (Golub &amp;
/// Van Loan, Matrix Computations, §8.5): plane rotations zero the off-diagonal entries one pair at a
/// time until their norm is negligible against the whole matrix. Quadratically convergent, accurate
/// for small eigenvalues, and ~10 sweeps of O(n³) each for the 128×128 covariances of the Fréchet
/// distance. Everything in float64.
/// </summary>
public static class SymmetricEigen
{
    /// <summary>
    /// A = V·diag(λ)·Vᵀ for symmetric <paramref name="a"/> [n, n] (not modified; only the upper triangle's
    /// mirror is assumed equal). Values ascending; column j of Vectors is the eigenvector of Values[j].
    /// </summary>
    public static (double[] Values, double[,] Vectors) Decompose(double[,] a, int maxSweeps = 100)
    {
        int n = a.GetLength(0);
        if (a.GetLength(1) != n) throw new ArgumentException($"eigendecomposition needs a square matrix, got {n}×{a.GetLength(1)}");
        var m = (double[,])a.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (!double.IsFinite(a[i, j])) throw new ArgumentException($"matrix entry [{i}, {j}] is {a[i, j]}");
                total += a[i, j] * a[i, j];
            }
        // Stop when the off-diagonal part is below 1e-12 of the matrix (Frobenius norms): eigenvalues then
        // carry an absolute error of that order, far below the Fréchet distance's statistical noise.
        double tolerance = 1e-24 * Math.Max(total, double.Epsilon);
        for (int sweep = 0; sweep < maxSweeps; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) off += m[p, q] * m[p, q];
            if (off <= tolerance) return Sorted(m, v);
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                    if (m[p, q] != 0) Rotate(m, v, p, q);
        }
        throw new ArithmeticException($"Jacobi eigendecomposition of a {n}×{n} matrix did not converge in {maxSweeps} sweeps");
    }

    /// <summary>
    /// One rotation J(p, q, θ) chosen so that (JᵀMJ)[p, q] = 0 (G&amp;VL Algorithm 8.5.1, the stable
    /// choice of t = tan θ with |θ| ≤ π/4); M ← JᵀMJ, V ← VJ.
    /// </summary>
    private static void Rotate(double[,] m, double[,] v, int p, int q)
    {
        int n = m.GetLength(0);
        double apq = m[p, q];
        double tau = (m[q, q] - m[p, p]) / (2 * apq);
        // For |τ| large enough that τ² overflows, t → 1/(2τ); Math.Sqrt(∞) = ∞ gives 0 there, which is as good.
        double t = tau >= 0 ? 1 / (tau + Math.Sqrt(1 + tau * tau)) : -1 / (-tau + Math.Sqrt(1 + tau * tau));
        double c = 1 / Math.Sqrt(1 + t * t), s = t * c;
        for (int k = 0; k < n; k++)
        {
            double mkp = m[k, p], mkq = m[k, q];
            m[k, p] = c * mkp - s * mkq;
            m[k, q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++)
        {
            double mpk = m[p, k], mqk = m[q, k];
            m[p, k] = c * mpk - s * mqk;
            m[q, k] = s * mpk + c * mqk;
        }
        m[p, q] = m[q, p] = 0;
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k, p], vkq = v[k, q];
            v[k, p] = c * vkp - s * vkq;
            v[k, q] = s * vkp + c * vkq;
        }
    }

    private static (double[] Values, double[,] Vectors) Sorted(double[,] m, double[,] v)
    {
        int n = m.GetLength(0);
        var order = Enumerable.Range(0, n).OrderBy(i => m[i, i]).ToArray();
        var values = new double[n];
        var vectors = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            values[j] = m[order[j], order[j]];
            for (int i = 0; i < n; i++) vectors[i, j] = v[i, order[j]];
        }
        return (values, vectors);
    }
}
