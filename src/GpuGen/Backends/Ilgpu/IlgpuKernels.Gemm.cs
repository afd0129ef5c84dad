using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/GemmKernels.cs: batched SGEMM, both transposes, leading dimensions, offsets and batch strides;
// on CUDA optionally cuBLAS (ILGPU.Algorithms' CuBlas) instead.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, GemmParams, ArrayView<float>, ArrayView<float>, ArrayView<float>>? gemm128, gemm64, gemm32;
    private CuBlas? cublas;

    /// <summary>
    /// Run GEMMs through cuBLAS (CUDA only; needs libcublas from the CUDA toolkit at run time) instead of
    /// the hand-written kernel. Off by default: the hand-written kernel is the engine's; cuBLAS is the
    /// comparison in `gpugen bench` and an opt-in for training.
    /// </summary>
    public bool UseCuBlas
    {
        get => useCuBlas;
        set
        {
            if (value && accelerator is not CudaAccelerator)
                throw new ArgumentException($"cuBLAS GEMMs need a CUDA device; {device} is not one");
            lock (gate)
            {
                if (value) CuBlasHandle();
                useCuBlas = value;
            }
        }
    }

    private bool useCuBlas;

    /// <summary>The tiling the hand-written GEMM uses for <paramref name="g"/> on this accelerator (for tests and benchmarks).</summary>
    public string GemmTiling(in GemmArgs g) => TileFor(g) switch
    {
        128 => nameof(GemmTile128),
        64 => nameof(GemmTile64),
        _ => nameof(GemmTile32),
    };

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
        lock (gate)
        {
            if (useCuBlas)
            {
                CuBlasGemm(g, F(a), F(b), F(c));
                return;
            }
            int tile = TileFor(g);
            var p = new GemmParams
            {
                TransA = Flag(g.TransA), TransB = Flag(g.TransB), M = g.M, N = g.N, K = g.K, Alpha = g.Alpha, Beta = g.Beta,
                Lda = g.Lda, Ldb = g.Ldb, Ldc = g.Ldc,
                OffsetA = g.OffsetA, StrideA = g.StrideA, OffsetB = g.OffsetB, StrideB = g.StrideB, OffsetC = g.OffsetC, StrideC = g.StrideC,
                TilesM = (g.M + tile - 1) / tile, TilesN = (g.N + tile - 1) / tile, Batch = g.Batch,
            };
            long jobs = (long)p.TilesM * p.TilesN * p.Batch;
            var launcher = tile switch
            {
                128 => Load(ref gemm128, "Sgemm<GemmTile128>",
                    static k => k.LoadStreamKernel<GemmParams, ArrayView<float>, ArrayView<float>, ArrayView<float>>(GemmKernels.Sgemm<GemmTile128>)),
                64 => Load(ref gemm64, "Sgemm<GemmTile64>",
                    static k => k.LoadStreamKernel<GemmParams, ArrayView<float>, ArrayView<float>, ArrayView<float>>(GemmKernels.Sgemm<GemmTile64>)),
                _ => Load(ref gemm32, "Sgemm<GemmTile32>",
                    static k => k.LoadStreamKernel<GemmParams, ArrayView<float>, ArrayView<float>, ArrayView<float>>(GemmKernels.Sgemm<GemmTile32>)),
            };
            int threads = tile switch { 128 => 256, 64 => 256, _ => 4 };
            int groups = (int)Math.Min(jobs, IsCpu ? accelerator.NumMultiprocessors : 65535);
            launcher(new KernelConfig(groups, threads), p, F(a), F(b), F(c));
        }
    }

    /// <summary>
    /// 32-tiles on the CPU accelerator (4 threads, its largest group); on GPUs 128-tiles once there are
    /// enough of them to give every multiprocessor two, 64-tiles below that (more, smaller groups keep a
    /// GPU busy on mid-sized GEMMs).
    /// </summary>
    private int TileFor(in GemmArgs g)
    {
        if (IsCpu || accelerator.MaxNumThreadsPerGroup < 256) return 32; // (a GPU with < 256-thread groups: none known; the 4-thread tiling runs anywhere)
        long big = (long)((g.M + 127) / 128) * ((g.N + 127) / 128) * g.Batch;
        return big >= 2L * accelerator.NumMultiprocessors ? 128 : 64;
    }

    /// <summary>
    /// Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, and a row-major matrix is its
    /// column-major transpose with the same leading dimension: so cuBLAS gets (B, A) with N and M swapped.
    /// One call per batch element (the strides are general).
    /// </summary>
    private void CuBlasGemm(in GemmArgs g, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
    {
        var blas = CuBlasHandle();
        var opA = g.TransA ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        var opB = g.TransB ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose;
        for (int i = 0; i < g.Batch; i++)
            blas.Gemm(opB, opA, g.N, g.M, g.K, g.Alpha,
                b.SubView(g.OffsetB + i * g.StrideB), g.Ldb,
                a.SubView(g.OffsetA + i * g.StrideA), g.Lda, g.Beta,
                c.SubView(g.OffsetC + i * g.StrideC), g.Ldc);
    }

    private CuBlas CuBlasHandle()
    {
        if (cublas is not null) return cublas;
        try
        {
            cublas = new CuBlas((CudaAccelerator)accelerator) { PointerMode = CuBlasPointerMode.Host };
            cublas.Stream = (CudaStream)accelerator.DefaultStream;
            return cublas;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CuBlasException or TypeInitializationException)
        {
            throw new InvalidOperationException($"cuBLAS is not available on {device}: {e.Message} (it needs libcublas from the CUDA toolkit)", e);
        }
    }

    /// <summary>
    /// Elements a strided batch of rows × cols matrices spans (0 when a matrix is empty), after checking
    /// that the leading dimension holds a row and the offsets and strides are not negative.
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
