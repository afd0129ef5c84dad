namespace GpuGen.Backends.Gpu;

// kernels/gemm_fast.cl: the 128 × 128 register-tiled, double-buffered SGEMM with float4 loads, and
// its TF32 tensor-core twin (CUDA only). Chosen per call, beside the portable sgemm of gemm.cl.
internal sealed partial class GpuKernels
{
    private const string GemmFastFile = "gemm_fast.cl";

    /// <summary>Tile edge and work-group size of kernels/gemm_fast.cl.</summary>
    private const int FastTile = 128, FastThreads = 256;

    /// <summary>
    /// Use sgemm_tiled where its vector loads are legal and there is enough work (the CUDA backend
    /// turns it on; tests turn it on for OpenCL to check it against the reference on PoCL).
    /// </summary>
    public bool TiledGemm { get; init; }

    /// <summary>
    /// The fast kernel for <paramref name="g"/>, or null for the portable one: the fast kernels need
    /// float4-aligned operands (see the top of gemm_fast.cl) and at least 64 tiles of 128 × 128 —
    /// below that the portable kernel's 64 × 64 tiles keep more of the device busy.
    /// </summary>
    private string? FastGemmKernel(in GemmArgs g)
    {
        if (!TiledGemm && !UseTf32) return null;
        long tiles = (long)((g.M + FastTile - 1) / FastTile) * ((g.N + FastTile - 1) / FastTile) * g.Batch;
        if (tiles < MinFastTiles) return null;
        bool aligned =
            (g.TransA ? g.M : g.K) % 4 == 0 && g.Lda % 4 == 0 && g.OffsetA % 4 == 0 && (g.Batch == 1 || g.StrideA % 4 == 0) &&
            (g.TransB ? g.K : g.N) % 4 == 0 && g.Ldb % 4 == 0 && g.OffsetB % 4 == 0 && (g.Batch == 1 || g.StrideB % 4 == 0);
        if (!aligned) return null;
        return UseTf32 ? "sgemm_tf32" : "sgemm_tiled";
    }

    /// <summary>Fewest 128 × 128 tiles (× batch) for which the fast kernels are used.</summary>
    public int MinFastTiles { get; init; } = 64;

    private void LaunchFastGemm(string kernel, in GemmArgs g, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        var k = GemmKernelArgs(g, a, b, c);
        long tilesN = (g.N + FastTile - 1) / FastTile, tilesM = (g.M + FastTile - 1) / FastTile;
        var grid = new LaunchGrid(3, tilesN * FastThreads, tilesM, g.Batch, FastThreads, 1, 1);
        Launch(GemmFastFile, kernel, grid, k);
    }
}
