namespace GpuGen.Metrics;

/// <summary>
/// The mean and covariance of feature vectors, accumulated in float64 over batches of rows. Each batch's
/// mean and scatter are taken about the batch's own mean and merged with the running ones by the
/// pairwise update of Chan, Golub &amp; LeVeque (1979), so the result does not suffer the cancellation of
/// Σxxᵀ − nμμᵀ when the features' means are large against their spread.
/// </summary>
public sealed class GaussianStats
{
    private readonly double[] mean;
    private readonly double[,] scatter;   // Σ (x − μ)(x − μ)ᵀ over all rows so far

    public GaussianStats(int dim)
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "feature dimension must be positive");
        Dim = dim;
        mean = new double[dim];
        scatter = new double[dim, dim];
    }

    public int Dim { get; }

    /// <summary>Number of rows added.</summary>
    public long Count { get; private set; }

    /// <summary>μ (a copy).</summary>
    public double[] Mean => (double[])mean.Clone();

    /// <summary>The unbiased covariance Σ = scatter / (n − 1), as numpy.cov and the FID reference code use; needs n ≥ 2.</summary>
    public double[,] Covariance
    {
        get
        {
            if (Count < 2) throw new InvalidOperationException($"a covariance needs at least two rows, have {Count}");
            var c = new double[Dim, Dim];
            double scale = 1.0 / (Count - 1);
            for (int i = 0; i < Dim; i++)
                for (int j = 0; j < Dim; j++) c[i, j] = scatter[i, j] * scale;
            return c;
        }
    }

    /// <summary>Statistics of the rows of <paramref name="rows"/> [n, dim].</summary>
    public static GaussianStats Of(double[,] rows)
    {
        var stats = new GaussianStats(rows.GetLength(1));
        stats.Add(rows);
        return stats;
    }

    /// <summary>Adds the rows of <paramref name="rows"/> [n, dim].</summary>
    public void Add(double[,] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.GetLength(1) != Dim) throw new ArgumentException($"rows have {rows.GetLength(1)} features, these statistics {Dim}", nameof(rows));
        int n = rows.GetLength(0);
        if (n == 0) return;
        var batchMean = new double[Dim];
        for (int r = 0; r < n; r++)
            for (int i = 0; i < Dim; i++)
            {
                double x = rows[r, i];
                if (!double.IsFinite(x)) throw new ArgumentException($"feature {i} of row {r} is {x}", nameof(rows));
                batchMean[i] += x;
            }
        for (int i = 0; i < Dim; i++) batchMean[i] /= n;
        var centred = new double[Dim];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < Dim; i++) centred[i] = rows[r, i] - batchMean[i];
            for (int i = 0; i < Dim; i++)
            {
                double ci = centred[i];
                if (ci == 0) continue;
                for (int j = i; j < Dim; j++) scatter[i, j] += ci * centred[j];
            }
        }
        Merge(batchMean, n);
    }

    /// <summary>Adds one row.</summary>
    public void Add(ReadOnlySpan<double> row)
    {
        var rows = new double[1, row.Length];
        for (int i = 0; i < row.Length; i++) rows[0, i] = row[i];
        Add(rows);
    }

    /// <summary>
    /// Chan et al.: with the batch's scatter already added about its own mean, the combined scatter
    /// gains δδᵀ·n_a·n_b/(n_a + n_b), δ = μ_b − μ_a, and μ moves by δ·n_b/(n_a + n_b). Only the upper
    /// triangle is accumulated; it is mirrored here.
    /// </summary>
    private void Merge(double[] batchMean, int n)
    {
        long total = Count + n;
        double weight = (double)Count * n / total;
        var delta = new double[Dim];
        for (int i = 0; i < Dim; i++) delta[i] = batchMean[i] - mean[i];
        for (int i = 0; i < Dim; i++)
        {
            for (int j = i; j < Dim; j++) scatter[i, j] += weight * delta[i] * delta[j];
            for (int j = 0; j < i; j++) scatter[i, j] = scatter[j, i];
            mean[i] += delta[i] * n / total;
        }
        Count = total;
    }
}
