using GpuGen.Backends;
using GpuGen.Backends.Ilgpu;

namespace GpuGen.Bench.Parity;

public static partial class ParityCases
{
    /// <summary>
    /// GEMM with every transpose combination at 67×45×33 (no extent a multiple of a tile), then batches
    /// with padded leading dimensions, strides and offsets whose gaps the kernel must leave alone.
    /// </summary>
    private static IEnumerable<ParityCase> Linear(bool cuBlas)
    {
        var rng = new HostRandom(cuBlas ? 1101 : 1100);
        string kernel = cuBlas ? "Gemm (cuBLAS)" : "Gemm";
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            float beta = ta && tb ? 0.5f : tb ? -1f : 0f;
            var args = GemmArgs.Simple(67, 45, 33, ta, tb, alpha: ta ? 0.7f : 1f, beta: beta);
            yield return Gemm(kernel, rng, args, cuBlas);
        }
        yield return Gemm(kernel, rng, new GemmArgs(false, true, 19, 23, 17, 1.3f, 0f, Lda: 20, Ldb: 19, Ldc: 28,
            Batch: 3, StrideA: 19 * 20 + 7, StrideB: 23 * 19 + 3, StrideC: 19 * 28 + 4, OffsetA: 5, OffsetB: 2, OffsetC: 9), cuBlas);
        yield return Gemm(kernel, rng, new GemmArgs(true, false, 21, 13, 11, 1f, 0.25f, Lda: 24, Ldb: 15, Ldc: 13,
            Batch: 2, StrideA: 11 * 24 + 1, StrideB: 0, StrideC: 21 * 13 + 6, OffsetA: 3, OffsetB: 0, OffsetC: 1), cuBlas);
    }

    private static ParityCase Gemm(string kernel, HostRandom rng, GemmArgs g, bool cuBlas)
    {
        int rowsA = g.TransA ? g.K : g.M, rowsB = g.TransB ? g.N : g.K;
        var a = rng.Normal((int)(g.OffsetA + (g.Batch - 1) * g.StrideA + (long)rowsA * g.Lda));
        var b = rng.Normal((int)(g.OffsetB + (g.Batch - 1) * g.StrideB + (long)rowsB * g.Ldb));
        int cLength = (int)(g.OffsetC + (g.Batch - 1) * g.StrideC + (long)g.M * g.Ldc);
        bool packed = g.Batch == 1 && g.Ldc == g.N && g.OffsetC == 0;
        // β = 0 on a packed C: poisoned, so reading C or skipping an element shows. Otherwise C starts random
        // (β·C is read, or gaps between the batch's blocks must keep their values).
        var c0 = packed && g.Beta == 0 ? null : rng.Normal(cLength);
        string shape = $"{g.M}×{g.N}×{g.K} {(g.TransA ? 'T' : 'N')}{(g.TransB ? 'T' : 'N')} α={g.Alpha} β={g.Beta}"
            + (g.Batch > 1 ? $" batch {g.Batch} lda {g.Lda} ldb {g.Ldb} ldc {g.Ldc} offsets {g.OffsetA}/{g.OffsetB}/{g.OffsetC}" : "");
        return Case(kernel, shape, ParityTolerance.Sum, s =>
        {
            // The hand-written rows run the hand-written kernel even under GPUGEN_GEMM=cublas.
            var blas = s.Backend is IlgpuBackend { SupportsCuBlas: true } ilgpu ? ilgpu : null;
            bool before = blas?.UseCuBlas ?? false;
            if (blas is not null) blas.UseCuBlas = cuBlas;
            try
            {
                var c = c0 is null ? s.Poisoned(cLength) : s.In(c0);
                s.K.Gemm(g, s.In(a), s.In(b), c);
                return [s.Read(c)];
            }
            finally
            {
                if (blas is not null) blas.UseCuBlas = before;
            }
        });
    }
}
