namespace GpuGen.Backends.Gpu;

// kernels/gemm.cl: batched SGEMM, both transposes, leading dimensions, offsets and batch strides.
internal sealed partial class GpuKernels
{
    private const string GemmFile = "gemm.cl";

    public void Gemm(in GemmArgs args, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        var g = args;
        if (g.M < 0 || g.N < 0 || g.K < 0 || g.Batch < 0)
            throw new ArgumentOutOfRangeException(nameof(args), $"GEMM sizes must be non-negative, got M={g.M} N={g.N} K={g.K} batch={g.Batch}");
        if (g.M == 0 || g.N == 0 || g.Batch == 0) return;
        int rowsA = g.TransA ? g.K : g.M, colsA = g.TransA ? g.M : g.K;
        int rowsB = g.TransB ? g.N : g.K, colsB = g.TransB ? g.K : g.N;
        Need(a, Extent(g.OffsetA, g.StrideA, g.Batch, rowsA, colsA, g.Lda, "A"), nameof(a));
        Need(b, Extent(g.OffsetB, g.StrideB, g.Batch, rowsB, colsB, g.Ldb, "B"), nameof(b));
        Need(c, Extent(g.OffsetC, g.StrideC, g.Batch, g.M, g.N, g.Ldc, "C"), nameof(c));

        // CUDA grids hold at most 65535 blocks along z: longer batches go in several launches.
        for (int first = 0; first < g.Batch; first += MaxBatchPerLaunch)
        {
            var part = g with
            {
                Batch = Math.Min(MaxBatchPerLaunch, g.Batch - first),
                OffsetA = g.OffsetA + first * g.StrideA, OffsetB = g.OffsetB + first * g.StrideB, OffsetC = g.OffsetC + first * g.StrideC,
            };
            LaunchGemm(part, a, b, c);
        }
    }

    private const int MaxBatchPerLaunch = 65535;

    private void LaunchGemm(in GemmArgs g, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        if (FastGemmKernel(g) is { } fast)
        {
            LaunchFastGemm(fast, g, a, b, c);
            return;
        }
        var t = gemmTiling;
        var k = GemmKernelArgs(g, a, b, c);
        long tilesN = (g.N + t.TileN - 1) / t.TileN, tilesM = (g.M + t.TileM - 1) / t.TileM;
        var grid = new LaunchGrid(3, tilesN * t.GroupN, tilesM * t.GroupM, g.Batch, t.GroupN, t.GroupM, 1);
        Launch(GemmFile, "sgemm", grid, k);
    }

    /// <summary>The arguments every GEMM kernel takes, in kernels/gemm.cl's order.</summary>
    private static KernelArgs GemmKernelArgs(in GemmArgs g, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        var k = new KernelArgs();
        k.Bool(g.TransA);
        k.Bool(g.TransB);
        k.Int(g.M);
        k.Int(g.N);
        k.Int(g.K);
        k.Float(g.Alpha);
        k.Float(g.Beta);
        k.Buffer(a);
        k.Int(g.Lda);
        k.Long(g.OffsetA);
        k.Long(g.StrideA);
        k.Buffer(b);
        k.Int(g.Ldb);
        k.Long(g.OffsetB);
        k.Long(g.StrideB);
        k.Buffer(c);
        k.Int(g.Ldc);
        k.Long(g.OffsetC);
        k.Long(g.StrideC);
        return k;
    }

    /// <summary>
    /// Elements a strided batch of rows × cols matrices spans (0 when a matrix is empty), after
    /// checking that the leading dimension holds a row and the offsets and strides are not negative.
    /// </summary>
    private static long Extent(long offset, long stride, int batch, int rows, int cols, int ld, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset, "offset" + name);
        ArgumentOutOfRangeException.ThrowIfNegative(stride, "stride" + name);
        if (rows == 0 || cols == 0) return 0;
        if (ld < cols) throw new ArgumentOutOfRangeException("ld" + name.ToLowerInvariant(), ld, $"the leading dimension of {name} must hold a stored row of {cols}");
        return offset + (batch - 1) * stride + (rows - 1L) * ld + cols;
    }
}
