using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// The tiling of <see cref="GemmKernels.Sgemm{TTile}"/>: a group computes a TileM × TileN tile of C in
/// steps of TileK, each thread a WorkM × WorkN register block. The constants are properties of a struct
/// so that each tiling is its own compiled kernel (ILGPU specialises a generic kernel per type argument,
/// and the constants fold into the shared-memory and local-array sizes). Threads per group =
/// (TileM / WorkM)·(TileN / WorkN).
/// </summary>
public interface IGemmTile
{
    int TileM { get; }
    int TileN { get; }
    int TileK { get; }
    int WorkM { get; }
    int WorkN { get; }
}

/// <summary>128 × 128 tiles, 8-deep, 8 × 8 per thread: 256 threads, 64 FMAs per 16 shared loads (large GEMMs on GPUs).</summary>
public struct GemmTile128 : IGemmTile
{
    public readonly int TileM => 128;
    public readonly int TileN => 128;
    public readonly int TileK => 8;
    public readonly int WorkM => 8;
    public readonly int WorkN => 8;
}

/// <summary>64 × 64 tiles, 16-deep, 4 × 4 per thread: 256 threads (GPUs, and GEMMs too small to fill a GPU with 128-tiles).</summary>
public struct GemmTile64 : IGemmTile
{
    public readonly int TileM => 64;
    public readonly int TileN => 64;
    public readonly int TileK => 16;
    public readonly int WorkM => 4;
    public readonly int WorkN => 4;
}

/// <summary>
/// 32 × 32 tiles, 32-deep, 16 × 16 per thread: 4 threads. For ILGPU's CPU accelerator, where every thread
/// of a group is an OS thread and every barrier a real synchronisation (~0.1 ms): few threads and few
/// barriers, 8,192 FMAs per thread between two of them.
/// </summary>
public struct GemmTile32 : IGemmTile
{
    public readonly int TileM => 32;
    public readonly int TileN => 32;
    public readonly int TileK => 32;
    public readonly int WorkM => 16;
    public readonly int WorkN => 16;
}

/// <summary>The scalars of a batched row-major SGEMM (GemmArgs on the host) and the launch's tile counts.</summary>
public struct GemmParams
{
    public int TransA, TransB, M, N, K;
    public float Alpha, Beta;
    public int Lda, Ldb, Ldc;
    public long OffsetA, StrideA, OffsetB, StrideB, OffsetC, StrideC;
    public int TilesM, TilesN, Batch;
}

/// <summary>Batched SGEMM, C_b = alpha·op(A_b)·op(B_b) + beta·C_b (GemmArgs documents the layout).</summary>
public static class GemmKernels
{
    /// <summary>
    /// Shared-memory tiled SGEMM with register blocking. A group walks tiles (grid-stride over tile index ×
    /// batch); for each it stages TileK-deep slices of op(A) and op(B) in shared memory (zero outside the
    /// matrices, so ragged edges need no special path), then every thread accumulates its WorkM × WorkN
    /// block in registers: rows tm + w·(TileM/WorkM), columns tn + w·(TileN/WorkN), so neighbouring threads
    /// read neighbouring shared-memory words. The staging loads walk the stored rows fastest whether or not
    /// an operand is transposed, so neighbouring threads read neighbouring global addresses. beta == 0
    /// never reads C (it may hold NaN), as in BLAS.
    /// </summary>
    public static void Sgemm<TTile>(GemmParams g, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c)
        where TTile : struct, IGemmTile
    {
        TTile tile = default;
        var As = SharedMemory.Allocate<float>(tile.TileK * tile.TileM);
        var Bs = SharedMemory.Allocate<float>(tile.TileK * tile.TileN);
        var acc = LocalMemory.Allocate<float>(tile.WorkM * tile.WorkN);
        var ar = LocalMemory.Allocate<float>(tile.WorkM);
        var br = LocalMemory.Allocate<float>(tile.WorkN);
        int rowsM = tile.TileM / tile.WorkM, colsN = tile.TileN / tile.WorkN, threads = rowsM * colsN;
        int tid = Group.IdxX, tm = tid / colsN, tn = tid - tm * colsN;
        int tiles = g.TilesM * g.TilesN;

        for (int job = Grid.IdxX; job < tiles * g.Batch; job += Grid.DimX)
        {
            int batch = job / tiles, t = job - batch * tiles;
            int i0 = t / g.TilesN * tile.TileM, j0 = t % g.TilesN * tile.TileN;
            long oa = g.OffsetA + batch * g.StrideA, ob = g.OffsetB + batch * g.StrideB, oc = g.OffsetC + batch * g.StrideC;
            for (int e = 0; e < tile.WorkM * tile.WorkN; e++) acc[e] = 0f;

            for (int k0 = 0; k0 < g.K; k0 += tile.TileK)
            {
                // Stage op(A)[i0.., k0..] as As[k][i] and op(B)[k0.., j0..] as Bs[k][j].
                for (int e = tid; e < tile.TileK * tile.TileM; e += threads)
                {
                    int kk = g.TransA != 0 ? e / tile.TileM : e % tile.TileK;
                    int ii = g.TransA != 0 ? e % tile.TileM : e / tile.TileK;
                    int i = i0 + ii, k = k0 + kk;
                    float v = 0f;
                    if (i < g.M && k < g.K) v = g.TransA != 0 ? a[oa + (long)k * g.Lda + i] : a[oa + (long)i * g.Lda + k];
                    As[kk * tile.TileM + ii] = v;
                }
                for (int e = tid; e < tile.TileK * tile.TileN; e += threads)
                {
                    int kk = g.TransB != 0 ? e % tile.TileK : e / tile.TileN;
                    int jj = g.TransB != 0 ? e / tile.TileK : e % tile.TileN;
                    int j = j0 + jj, k = k0 + kk;
                    float v = 0f;
                    if (j < g.N && k < g.K) v = g.TransB != 0 ? b[ob + (long)j * g.Ldb + k] : b[ob + (long)k * g.Ldb + j];
                    Bs[kk * tile.TileN + jj] = v;
                }
                Group.Barrier();

                for (int kk = 0; kk < tile.TileK; kk++)
                {
                    for (int wm = 0; wm < tile.WorkM; wm++) ar[wm] = As[kk * tile.TileM + tm + wm * rowsM];
                    for (int wn = 0; wn < tile.WorkN; wn++) br[wn] = Bs[kk * tile.TileN + tn + wn * colsN];
                    for (int wm = 0; wm < tile.WorkM; wm++)
                        for (int wn = 0; wn < tile.WorkN; wn++)
                            acc[wm * tile.WorkN + wn] = MathF.FusedMultiplyAdd(ar[wm], br[wn], acc[wm * tile.WorkN + wn]);
                }
                Group.Barrier();
            }

            for (int wm = 0; wm < tile.WorkM; wm++)
            {
                int i = i0 + tm + wm * rowsM;
                if (i >= g.M) continue;
                long row = oc + (long)i * g.Ldc;
                for (int wn = 0; wn < tile.WorkN; wn++)
                {
                    int j = j0 + tn + wn * colsN;
                    if (j >= g.N) continue;
                    float v = g.Alpha * acc[wm * tile.WorkN + wn];
                    c[row + j] = g.Beta == 0f ? v : MathF.FusedMultiplyAdd(g.Beta, c[row + j], v);
                }
            }
        }
    }
}
