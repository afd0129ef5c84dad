using GpuGen.Metrics;

namespace GpuGen.Tests.Metrics;

public class FrechetDistanceTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(7, 3)]
    [InlineData(40, 4)]
    public void EigendecompositionReconstructsTheMatrixWithOrthonormalVectors(int n, int seed)
    {
        var a = RandomSymmetric(n, seed);
        var (values, v) = SymmetricEigen.Decompose(a);
        for (int j = 1; j < n; j++) Assert.True(values[j - 1] <= values[j], "eigenvalues must ascend");
        double scale = Math.Sqrt(Frobenius2(a));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double recon = 0, gram = 0;
                for (int k = 0; k < n; k++)
                {
                    recon += v[i, k] * values[k] * v[j, k];
                    gram += v[k, i] * v[k, j];
                }
                Assert.True(Math.Abs(recon - a[i, j]) < 1e-11 * scale, $"(VΛVᵀ)[{i},{j}] = {recon}, A = {a[i, j]}");
                Assert.True(Math.Abs(gram - (i == j ? 1 : 0)) < 1e-11, $"(VᵀV)[{i},{j}] = {gram}");
            }
    }

    [Fact]
    public void EigenvaluesOfARotatedDiagonalAreTheDiagonal()
    {
        double[] lambda = [-3, 1e-9, 0.5, 2, 2, 7];
        var q = RandomOrthogonal(lambda.Length, seed: 11);
        var a = Conjugate(q, lambda);
        var (values, _) = SymmetricEigen.Decompose(a);
        var expected = lambda.Order().ToArray();
        for (int i = 0; i < lambda.Length; i++) Assert.True(Math.Abs(values[i] - expected[i]) < 1e-12, $"λ{i} = {values[i]}, expected {expected[i]}");
    }

    [Fact]
    public void DiagonalCovariancesGiveTheClosedForm()
    {
        // For commuting covariances the trace term is ‖Σ₁^{½} − Σ₂^{½}‖²_F = Σ (√a − √b)².
        var random = new System.Random(5);
        int d = 16;
        var mu1 = Vector(random, d, 2);
        var mu2 = Vector(random, d, 2);
        var a = Enumerable.Range(0, d).Select(_ => 0.01 + 3 * random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, d).Select(_ => 0.01 + 3 * random.NextDouble()).ToArray();
        double expected = 0;
        for (int i = 0; i < d; i++) expected += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + Math.Pow(Math.Sqrt(a[i]) - Math.Sqrt(b[i]), 2);
        var identity = Identity(d);
        Assert.Equal(expected, FrechetDistance.Compute(mu1, Conjugate(identity, a), mu2, Conjugate(identity, b)), 1e-10);
        // The same in a rotated basis: commuting but not diagonal.
        var q = RandomOrthogonal(d, seed: 6);
        Assert.Equal(expected, FrechetDistance.Compute(mu1, Conjugate(q, a), mu2, Conjugate(q, b)), 1e-9);
    }

    [Fact]
    public void TwoByTwoNonCommutingCovariancesGiveTheClosedForm()
    {
        // For 2×2 PSD M, tr √M = √(tr M + 2√det M); with M = Σ₁^{½}Σ₂Σ₁^{½}, tr M = tr Σ₁Σ₂ and det M = det Σ₁ det Σ₂.
        double[,] s1 = { { 2.0, 0.7 }, { 0.7, 0.5 } };
        double[,] s2 = { { 0.3, -0.2 }, { -0.2, 1.4 } };
        double[] mu1 = [0.5, -1], mu2 = [1.5, 0.25];
        double trProduct = s1[0, 0] * s2[0, 0] + s1[0, 1] * s2[1, 0] + s1[1, 0] * s2[0, 1] + s1[1, 1] * s2[1, 1];
        double det1 = s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0], det2 = s2[0, 0] * s2[1, 1] - s2[0, 1] * s2[1, 0];
        double expected = 1 * 1 + 1.25 * 1.25 + s1[0, 0] + s1[1, 1] + s2[0, 0] + s2[1, 1] - 2 * Math.Sqrt(trProduct + 2 * Math.Sqrt(det1 * det2));
        Assert.Equal(expected, FrechetDistance.Compute(mu1, s1, mu2, s2), 1e-12);
        Assert.Equal(expected, FrechetDistance.Compute(mu2, s2, mu1, s1), 1e-12);
    }

    [Fact]
    public void IsSymmetricZeroForIdenticalAndPositiveOtherwise()
    {
        var random = new System.Random(9);
        int d = 12;
        var x = RandomRows(random, 300, d);
        var y = RandomRows(random, 250, d, shift: 0.3);
        double xy = FrechetDistance.Compute(x, y), yx = FrechetDistance.Compute(y, x);
        Assert.True(xy > 0.01, $"distinct sets gave {xy}");
        Assert.True(Math.Abs(xy - yx) < 1e-9 * xy, $"FD(x, y) = {xy}, FD(y, x) = {yx}");
        Assert.True(Math.Abs(FrechetDistance.Compute(x, x)) < 1e-9, $"FD(x, x) = {FrechetDistance.Compute(x, x)}");
        // A singular covariance (more features than rows) still gives 0 against itself, not NaN.
        var few = RandomRows(random, 5, d);
        Assert.True(Math.Abs(FrechetDistance.Compute(few, few)) < 1e-9);
    }

    [Fact]
    public void SamplesOfKnownGaussiansGiveTheirParametersAndDistance()
    {
        int d = 4, n = 40_000;
        double[] mu1 = [1, -2, 0.5, 0], mu2 = [0, -1.5, 0.5, 2];
        var l1 = new double[,] { { 1, 0, 0, 0 }, { 0.5, 0.8, 0, 0 }, { -0.3, 0.2, 0.6, 0 }, { 0.1, 0.4, -0.2, 1.2 } };
        var l2 = new double[,] { { 0.7, 0, 0, 0 }, { -0.2, 1.1, 0, 0 }, { 0.3, 0.1, 0.9, 0 }, { 0, -0.5, 0.3, 0.5 } };
        var random = new System.Random(21);
        var x = GaussianRows(random, n, mu1, l1);
        var y = GaussianRows(random, n, mu2, l2);
        var sx = GaussianStats.Of(x);
        var cov1 = LLt(l1);
        for (int i = 0; i < d; i++)
        {
            Assert.True(Math.Abs(sx.Mean[i] - mu1[i]) < 0.03, $"mean[{i}] = {sx.Mean[i]}, expected {mu1[i]}");
            for (int j = 0; j < d; j++) Assert.True(Math.Abs(sx.Covariance[i, j] - cov1[i, j]) < 0.05, $"cov[{i},{j}] = {sx.Covariance[i, j]}, expected {cov1[i, j]}");
        }
        double exact = FrechetDistance.Compute(mu1, cov1, mu2, LLt(l2));
        double estimated = FrechetDistance.Compute(x, y);
        Assert.True(Math.Abs(estimated - exact) < 0.03 * exact, $"FD of samples {estimated}, of the true Gaussians {exact}");
        Assert.True(FrechetDistance.Compute(sx.Mean, sx.Covariance, mu1, cov1) < 0.01);
    }

    [Fact]
    public void StreamingStatisticsEqualTwoPassStatistics()
    {
        // A large common offset: the naive Σxxᵀ − nμμᵀ would lose most digits here.
        var random = new System.Random(3);
        int d = 9, n = 1001;
        var rows = RandomRows(random, n, d);
        for (int r = 0; r < n; r++) for (int i = 0; i < d; i++) rows[r, i] += 1e6;
        var streamed = new GaussianStats(d);
        int start = 0;
        foreach (int size in new[] { 1, 2, 500, 37, 0, 461 })
        {
            var part = new double[size, d];
            for (int r = 0; r < size; r++) for (int i = 0; i < d; i++) part[r, i] = rows[start + r, i];
            streamed.Add(part);
            start += size;
        }
        Assert.Equal(n, start);
        Assert.Equal(n, streamed.Count);
        var mean = new double[d];
        for (int r = 0; r < n; r++) for (int i = 0; i < d; i++) mean[i] += rows[r, i] / n;
        var cov = streamed.Covariance;
        for (int i = 0; i < d; i++)
        {
            Assert.True(Math.Abs(streamed.Mean[i] - mean[i]) < 1e-8, $"mean[{i}]");
            for (int j = 0; j < d; j++)
            {
                double c = 0;
                for (int r = 0; r < n; r++) c += (rows[r, i] - mean[i]) * (rows[r, j] - mean[j]);
                c /= n - 1;
                Assert.True(Math.Abs(cov[i, j] - c) < 1e-8, $"cov[{i},{j}] = {cov[i, j]}, two-pass {c}");
                Assert.Equal(cov[i, j], cov[j, i]);
            }
        }
    }

    [Fact]
    public void BadInputIsRejectedWithAMessage()
    {
        var stats = new GaussianStats(3);
        Assert.Contains("two rows", Assert.Throws<InvalidOperationException>(() => stats.Covariance).Message);
        Assert.Contains("4 features", Assert.Throws<ArgumentException>(() => stats.Add(new double[2, 4])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => stats.Add(new double[,] { { 0, double.NaN, 1 } })).Message);
        Assert.Throws<ArgumentException>(() => FrechetDistance.Compute([0, 0], Identity(2), [0, 0, 0], Identity(3)));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static double[,] RandomSymmetric(int n, int seed)
    {
        var random = new System.Random(seed);
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i, j] = a[j, i] = 2 * random.NextDouble() - 1;
        return a;
    }

    private static double Frobenius2(double[,] a)
    {
        double s = 0;
        foreach (double v in a) s += v * v;
        return s;
    }

    private static double[,] Identity(int n)
    {
        var a = new double[n, n];
        for (int i = 0; i < n; i++) a[i, i] = 1;
        return a;
    }

    /// <summary>An orthogonal matrix from Gram–Schmidt on random columns.</summary>
    private static double[,] RandomOrthogonal(int n, int seed)
    {
        var random = new System.Random(seed);
        var q = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            var v = Vector(random, n, 1);
            for (int k = 0; k < j; k++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += q[i, k] * v[i];
                for (int i = 0; i < n; i++) v[i] -= dot * q[i, k];
            }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int i = 0; i < n; i++) q[i, j] = v[i] / norm;
        }
        return q;
    }

    /// <summary>Q·diag(λ)·Qᵀ.</summary>
    private static double[,] Conjugate(double[,] q, double[] lambda)
    {
        int n = lambda.Length;
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) a[i, j] += q[i, k] * lambda[k] * q[j, k];
        return a;
    }

    private static double[] Vector(System.Random random, int n, double scale) =>
        Enumerable.Range(0, n).Select(_ => scale * (2 * random.NextDouble() - 1)).ToArray();

    private static double Normal(System.Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double[,] RandomRows(System.Random random, int n, int d, double shift = 0)
    {
        var x = new double[n, d];
        for (int r = 0; r < n; r++)
            for (int i = 0; i < d; i++) x[r, i] = Normal(random) * (1 + 0.1 * i) + shift * i;
        return x;
    }

    /// <summary>Rows μ + L·z with z ~ N(0, I): covariance L·Lᵀ.</summary>
    private static double[,] GaussianRows(System.Random random, int n, double[] mu, double[,] l)
    {
        int d = mu.Length;
        var x = new double[n, d];
        var z = new double[d];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < d; i++) z[i] = Normal(random);
            for (int i = 0; i < d; i++)
            {
                double v = mu[i];
                for (int k = 0; k < d; k++) v += l[i, k] * z[k];
                x[r, i] = v;
            }
        }
        return x;
    }

    private static double[,] LLt(double[,] l)
    {
        int d = l.GetLength(0);
        var c = new double[d, d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                for (int k = 0; k < d; k++) c[i, j] += l[i, k] * l[j, k];
        return c;
    }
}
