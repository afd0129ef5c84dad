using GpuGen.Backends;
using GpuGen.Backends.Cpu;
using GpuGen.Tests.Support;
using Xunit.Abstractions;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// SGEMM on every device against a float64 reference on fresh random inputs. Error bound: a float32 dot product of
/// length K accumulated in any order (blocked, FMA) has |fl(s) − s| ≤ γ_K·Σ|a||b| with
/// γ_K = K·u/(1 − K·u), u = 2⁻²⁴ (Higham, Accuracy and Stability, eq. 3.5); the α and β products add
/// a few more roundings, and the inputs are exact in float32 on both sides. So each element must
/// satisfy |c − ref| ≤ (K + 4)·u·(|α|·Σ_k|a||b| + |β|·|c₀|) + tiny, with a factor 2 of slack.
/// </summary>
public sealed class GemmTests(ITestOutputHelper output)
{
    private const double U = 1.0 / (1 << 24);

    /// <summary>The CPU's blocked paths: sizes around its 12 × 32 (8 × 32, 4 × 32) register tiles, K blocks (≤ 1024 deep) and thin N.</summary>
    public static IEnumerable<object[]> AwkwardSizes()
    {
        int[] sizes = [1, 7, 33, 130, 257];
        foreach (int m in sizes)
            foreach (int n in sizes)
                foreach (int k in new[] { 1, 33, 257 })
                    yield return [m, n, k];
        yield return [13, 2, 128];
        yield return [300, 5, 40];
        yield return [2, 300, 1100];
        yield return [9, 64, 17];
        // Full and partial 8-row slivers (M ≡ 5…8 mod 12), with and without a ragged N.
        yield return [32, 64, 100];
        yield return [20, 33, 9];
        yield return [8, 32, 300];
        // 13–16 rows left go as two 8-row slivers (64 = 4·12 + 2·8; 28 = 12 + 8 + 8; 15 = 8 + 7).
        yield return [64, 32, 840];
        yield return [28, 70, 300];
        yield return [15, 33, 20];
        // Packing inside the kernels: 200 rows per core (> 192) pack a row-major B in the first A
        // sliver's kernels (the ragged 24-wide last sliver apart), over two K blocks of 550, with an
        // 8-row sliver at the end (200 = 16·12 + 8).
        yield return [400, 120, 1100];
        // A transposed B with M < N is solved as Cᵀ = op(B)ᵀ·op(A)ᵀ and C written by transposed tile
        // stores: 300 = 25·12 full 12-row tiles over N' = 128; 200 = 16·12 + 8 ends in a full 8-row tile.
        yield return [128, 300, 70];
        yield return [64, 200, 100];
        // tt with M ≥ N and K ≥ M is solved transposed too (as nn, nothing packed): 96 rows per core.
        yield return [192, 64, 300];
        // N = 49 (dcgan) is kept with a 17-wide last sliver packed by masked loads, unless op(A) is column-major.
        yield return [128, 49, 300];
        // Edge slivers of ≤ 17 columns go to the 16-wide kernels, a 17th column by dot products over k:
        // N = 49 over two K blocks of 550 (A read in place); N = 81, kept even with a column-major A
        // (then packed); an edge of 16 from a packed B (M > 192); and 112 columns after the swap of a
        // transposed B, written to C transposed. 33 (above) leaves a 9-row sliver with a 1-wide edge.
        yield return [128, 49, 1100];
        yield return [40, 81, 70];
        yield return [250, 48, 70];
        yield return [112, 300, 70];
        // The 4-row tile, which only M ≤ 4 reaches: all four rows, over two K blocks of 550 and with a
        // ragged N; three rows with K not a multiple of the kernel's four k steps a pass.
        yield return [4, 64, 1100];
        yield return [4, 70, 33];
        yield return [3, 45, 30];
    }

    /// <summary>
    /// Devices (PoCL is a correctness target, so small): 1 and 7 fall inside one work-item's block,
    /// 33 just past a 32-wide tile, 130 past two 64-wide tiles; K = 1, 33, 130 leave a ragged last
    /// slice of the 16- or 32-deep steps.
    /// </summary>
    public static IEnumerable<object[]> DeviceSizes()
    {
        int[] sizes = [1, 7, 33, 130];
        foreach (int m in sizes)
            foreach (int n in sizes)
                foreach (int k in new[] { 1, 33, 130 })
                    yield return [m, n, k];
        yield return [2, 65, 200];
    }

    public static IEnumerable<object[]> AlphaBeta() =>
        from ab in new[] { (1f, 0f), (-0.75f, 0f), (1f, 1f), (0.5f, -1.5f), (0f, 2f), (2f, 0.25f) }
        select new object[] { ab.Item1, ab.Item2 };

    public static IEnumerable<object[]> Transposes() =>
        from ta in new[] { false, true } from tb in new[] { false, true } select new object[] { ta, tb };

    public static IEnumerable<object[]> TransposesAndBeta() =>
        new[] { (false, false, 0f), (true, false, 1f), (false, true, 0f), (true, true, 0.5f) }.Select(x => new object[] { x.Item1, x.Item2, x.Item3 });

    [Theory]
    [DeviceData("cpu", Member = nameof(AwkwardSizes))]
    [DeviceData("ilgpu-cpu", Member = nameof(DeviceSizes))]
    [DeviceData("opencl:0", Member = nameof(DeviceSizes))]
    [DeviceData("cuda:0", Member = nameof(DeviceSizes))]
    public void MatchesReferenceForEveryTransposeAtAwkwardSizes(string device, int m, int n, int k)
    {
        for (int t = 0; t < 4; t++)
        {
            bool ta = (t & 1) != 0, tb = (t & 2) != 0;
            Check(device, GemmArgs.Simple(m, n, k, ta, tb), seed: TestData.Seed(m, n, k, t));
        }
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(AlphaBeta))]
    [DeviceData("ilgpu-cpu", Member = nameof(AlphaBeta))]
    [DeviceData("opencl:0", Member = nameof(AlphaBeta))]
    [DeviceData("cuda:0", Member = nameof(AlphaBeta))]
    public void AppliesAlphaAndBeta(string device, float alpha, float beta)
    {
        foreach (var (m, n, k) in new[] { (37, 45, 29), (130, 70, 300), (5, 3, 64), (64, 2, 1000) })
            for (int t = 0; t < 4; t++)
                Check(device, GemmArgs.Simple(m, n, k, (t & 1) != 0, (t & 2) != 0, alpha, beta), seed: 7 * m + t + (int)(alpha * 100) + (int)(beta * 1000));
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(Transposes))]
    [DeviceData("ilgpu-cpu", Member = nameof(Transposes))]
    [DeviceData("opencl:0", Member = nameof(Transposes))]
    [DeviceData("cuda:0", Member = nameof(Transposes))]
    public void HonoursPaddedLeadingDimensionsAndOffsets(string device, bool ta, bool tb)
    {
        foreach (var (m, n, k) in new[] { (33, 70, 19), (130, 2, 257), (257, 33, 7) })
        {
            var g = GemmArgs.Simple(m, n, k, ta, tb, alpha: 1.25f, beta: 0.5f) with { OffsetA = 5, OffsetB = 11, OffsetC = 3 };
            g = g with { Lda = g.Lda + 3, Ldb = g.Ldb + 17, Ldc = g.Ldc + 1 };
            Check(device, g, seed: m + n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
            Check(device, g with { Beta = 0f }, seed: m + n + k + 5); // padded C poisoned with NaN: neither read nor written
        }
    }

    [Theory]
    [DeviceData("cpu", Member = nameof(TransposesAndBeta))]
    [DeviceData("ilgpu-cpu", Member = nameof(TransposesAndBeta))]
    [DeviceData("opencl:0", Member = nameof(TransposesAndBeta))]
    [DeviceData("cuda:0", Member = nameof(TransposesAndBeta))]
    public void RunsBatchesWithStridesAndOffsets(string device, bool ta, bool tb, float beta)
    {
        foreach (var (m, n, k, batch) in new[] { (17, 40, 23, 3), (64, 64, 64, 4), (40, 50, 60, 7), (100, 3, 50, 5), (1, 1, 1, 2) })
        {
            var g = GemmArgs.Simple(m, n, k, ta, tb, alpha: 0.8f, beta: beta);
            long sizeA = (long)m * k, sizeB = (long)k * n, sizeC = (long)m * n;
            g = g with { Batch = batch, StrideA = sizeA + 9, StrideB = sizeB + 4, StrideC = sizeC + 2, OffsetA = 1, OffsetB = 2, OffsetC = 3 };
            Check(device, g, seed: 31 * m + batch + (ta ? 1 : 0));
        }
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void ZeroSizesAreNoOpsOrScale(string device)
    {
        Check(device, GemmArgs.Simple(5, 6, 0, beta: 0f), seed: 1);
        Check(device, GemmArgs.Simple(5, 6, 0, beta: 2f), seed: 2);
        Check(device, GemmArgs.Simple(0, 6, 3), seed: 3);
        Check(device, GemmArgs.Simple(4, 0, 3), seed: 4);
        Check(device, GemmArgs.Simple(3, 4, 5) with { Batch = 0 }, seed: 5);
    }

    [Fact]
    public void LargeProblemUsesEveryBlockAndBothCores()
    {
        // 600×700×1100: five N panels of packed B (4 × 160, 60), two K blocks (kc = 550), both cores
        // (0.9 GFLOP: sharing the rows in chunks).
        Assert.True(CpuGemm.RunsWithSharedRows(GemmArgs.Simple(600, 700, 1100)) || Environment.ProcessorCount < 2);
        Check("cpu", GemmArgs.Simple(600, 700, 1100), seed: 600);
        Check("cpu", GemmArgs.Simple(600, 700, 1100, transA: true, transB: true, beta: 1f), seed: 601);
        // K = 1100 → two K blocks; solved transposed as 1030×130 (130 rows fill their 32-wide slivers
        // to 81%), its 130 columns one panel with a 2-wide edge sliver.
        Check("cpu", GemmArgs.Simple(130, 1030, 1100, transB: true, alpha: 0.5f, beta: 0.5f), seed: 1000);
    }

    /// <summary>
    /// One GEMM whose rows the two cores claim in chunks (more than 192 rows; here at any size): an A that
    /// is not read in place is packed once per K block, each chunk by whichever core claims it first,
    /// chunks of a later K block wait for the block before, β ≠ 0 adds to C once, and the chunk at the
    /// end takes the remainder. Then again with a core lent away, so that (on two cores) the launch runs
    /// its parts one after the other on the caller: the first part takes its own range of every panel's
    /// chunks and then every chunk of the other's, from the back. The same problems with the rows split
    /// in fixed halves are the comparison.
    /// </summary>
    [MultiCoreTheory]
    [InlineData(600, 700, 2100, false, false, 0.5f)] // 12 chunks, the last 72 rows; 3 K blocks × 6 panels; A in place
    [InlineData(1000, 90, 600, false, false, 1f)]    // N = 90: a ragged 26-wide last sliver, packed on its own
    [InlineData(600, 81, 1100, false, false, 1f)]    // N = 81: a 17-wide edge (16-wide kernel and a dot-product column); 2 K blocks
    [InlineData(250, 1100, 1100, false, false, 1f)]  // N > 1024: the row-major A packed by chunks, over 2 K blocks
    [InlineData(500, 200, 1100, true, false, 1f)]    // a column-major A, packed by chunks; 2 K blocks
    [InlineData(197, 300, 530, true, true, 0f)]      // tt solved as nn (300 rows, 6 chunks); β = 0 never reads C
    public void SharedRowsMatchReference(int m, int n, int k, bool transA, bool transB, float beta)
    {
        var g = GemmArgs.Simple(m, n, k, transA, transB, alpha: 0.75f, beta: beta);
        double savedMin = CpuGemm.ShareMinFlops;
        bool saved = CpuGemm.ShareRows;
        try
        {
            CpuGemm.ShareMinFlops = 0; // these are smaller than the GEMMs that share rows by default
            Assert.True(CpuGemm.RunsWithSharedRows(g), $"{m}×{n}×{k} should run with shared rows");
            Check("cpu", g, seed: m + n + k);
            using (CpuWorkers.LendCore()) Check("cpu", g, seed: m + n + k + 2);
            CpuGemm.ShareRows = false;
            Assert.False(CpuGemm.RunsWithSharedRows(g));
            Check("cpu", g, seed: m + n + k + 1);
        }
        finally
        {
            CpuGemm.ShareRows = saved;
            CpuGemm.ShareMinFlops = savedMin;
        }
    }

    [Fact]
    public void PortableKernelMatchesReference()
    {
        bool saved = CpuGemm.UseVector512;
        try
        {
            CpuGemm.UseVector512 = false;
            foreach (var (m, n, k) in new[] { (37, 45, 29), (130, 70, 300), (5, 3, 64), (600, 40, 50) })
                for (int t = 0; t < 4; t++)
                    Check("cpu", GemmArgs.Simple(m, n, k, (t & 1) != 0, (t & 2) != 0, beta: 0.5f), seed: m + t);
        }
        finally
        {
            CpuGemm.UseVector512 = saved;
        }
    }

    /// <summary>
    /// Runs <paramref name="g"/> on <paramref name="device"/> and compares every element of C with the
    /// float64 reference; elements of the buffer outside the matrices must keep their bits.
    /// </summary>
    /// <param name="kernels">Kernels to run instead of the device's own (the fast GEMM paths).</param>
    /// <param name="inputUnit">
    /// Rounding of each input before it is multiplied: 0 for float32 inputs, 2⁻¹¹ for TF32 tensor cores,
    /// which adds 2·u_in·Σ|a||b| to the bound.
    /// </param>
    internal void Check(string device, GemmArgs g, int seed, IKernels? kernels = null, double inputUnit = 0)
    {
        var rng = new System.Random(seed);
        long rowsA = g.TransA ? g.K : g.M, colsA = g.TransA ? g.M : g.K;
        long rowsB = g.TransB ? g.N : g.K, colsB = g.TransB ? g.K : g.N;
        int batches = Math.Max(g.Batch, 1);
        long lenA = g.OffsetA + (batches - 1) * g.StrideA + Math.Max(0, (rowsA - 1) * g.Lda + colsA) + 1;
        long lenB = g.OffsetB + (batches - 1) * g.StrideB + Math.Max(0, (rowsB - 1) * g.Ldb + colsB) + 1;
        long lenC = g.OffsetC + (batches - 1) * g.StrideC + Math.Max(0, (g.M - 1L) * g.Ldc + g.N) + 1;
        float[] a = Uniform(rng, lenA), b = Uniform(rng, lenB), c0 = Uniform(rng, lenC);
        if (g.Beta == 0f) Array.Fill(c0, float.NaN); // beta == 0 must not read C: NaN would leak

        var backend = TestBackends.Get(device);
        using var da = backend.Allocate(lenA);
        using var db = backend.Allocate(lenB);
        using var dc = backend.Allocate(lenC);
        backend.Write(da, 0, a);
        backend.Write(db, 0, b);
        backend.Write(dc, 0, c0);
        (kernels ?? backend.Kernels).Gemm(g, da, db, dc);
        var c = new float[lenC];
        backend.Synchronize();
        backend.Read(dc, 0, c);

        var inside = new bool[lenC];
        double worst = 0, worstDiff = 0;
        string where = "";
        var opA = new double[g.K];
        var opBt = new double[(long)g.N * g.K]; // op(B) transposed: row j holds column j, contiguous in k
        for (int bt = 0; bt < g.Batch; bt++)
        {
            for (int j = 0; j < g.N; j++)
                for (int p = 0; p < g.K; p++)
                    opBt[(long)j * g.K + p] = b[g.OffsetB + bt * g.StrideB + (g.TransB ? (long)j * g.Ldb + p : (long)p * g.Ldb + j)];
            for (int i = 0; i < g.M; i++)
            {
                for (int p = 0; p < g.K; p++)
                    opA[p] = a[g.OffsetA + bt * g.StrideA + (g.TransA ? (long)p * g.Lda + i : (long)i * g.Lda + p)];
                for (int j = 0; j < g.N; j++)
                {
                    double s = 0, mag = 0;
                    var col = opBt.AsSpan((int)((long)j * g.K), g.K);
                    for (int p = 0; p < col.Length; p++)
                    {
                        double xy = opA[p] * col[p];
                        s += xy;
                        mag += Math.Abs(xy);
                    }
                    long ci = g.OffsetC + bt * g.StrideC + (long)i * g.Ldc + j;
                    inside[ci] = true;
                    double old = g.Beta == 0f ? 0 : c0[ci];
                    double expected = g.Alpha * s + g.Beta * old;
                    double bound = 2 * ((g.K + 4) * U + 2 * inputUnit) * (Math.Abs(g.Alpha) * mag + Math.Abs(g.Beta * old)) + 1e-30;
                    double diff = Math.Abs(c[ci] - expected);
                    if (!(diff <= bound) && (double.IsNaN(diff) || diff / bound > worst))
                    {
                        worst = double.IsNaN(diff) ? double.PositiveInfinity : diff / bound;
                        worstDiff = diff;
                        where = $"batch {bt} C[{i},{j}] = {c[ci]}, expected {expected}";
                    }
                }
            }
        }

        string name = $"{device} M={g.M} N={g.N} K={g.K} transA={g.TransA} transB={g.TransB} alpha={g.Alpha} beta={g.Beta} ld=({g.Lda},{g.Ldb},{g.Ldc}) batch={g.Batch}";
        if (worst > 0)
        {
            output.WriteLine($"{name}: max |diff| {worstDiff:g4} ({worst:g3}× the bound) at {where}");
            Assert.Fail($"{name}: max |diff| {worstDiff:g4} ({worst:g3}× the bound) at {where}");
        }
        for (long p = 0; p < lenC; p++)
            if (!inside[p] && BitConverter.SingleToInt32Bits(c[p]) != BitConverter.SingleToInt32Bits(c0[p]))
                Assert.Fail($"{name}: C[{p}] outside the matrix was written ({c0[p]} → {c[p]})");
    }

    private static float[] Uniform(System.Random rng, long length)
    {
        var x = new float[length];
        for (long i = 0; i < length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
