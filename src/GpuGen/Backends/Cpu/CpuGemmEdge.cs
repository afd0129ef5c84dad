using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The ragged last sliver of N when it is at most half a register tile wide, or one column more:
/// N mod 32 in 1…17. The 12×32 (8×32) tile would compute all 32 columns of it; <see cref="Kernel16"/>
/// computes 16 (one zmm per row, half the FMAs), and a 17th column as one dot product over k per row
/// (<see cref="ExtraColumn"/>) instead of 15 more padded lanes of a second zmm. dcgan's
/// discriminator convolution, 128×49×1024 nn (49 = 32 + 17), is the shape this is for.
/// </summary>
internal static unsafe partial class CpuGemm
{
    /// <summary>Tunable (settable by benchmarks): whether a 12- or 8-row sliver's edge of ≤ 17 columns goes to <see cref="Kernel16"/>.</summary>
    internal static bool HalfEdgeKernel = true;

    /// <summary>The widest edge sliver <see cref="Kernel16"/> takes: 16 columns in one zmm and one more by dot products.</summary>
    private const int HalfEdgeMaxCols = Nr / 2 + 1;

    /// <summary>
    /// Copies column 16 of an edge sliver, B(k, j) for k &lt; kc (B(k, j) = b[k·bk + j·bj]), to
    /// <paramref name="dst"/>, contiguous in k for <see cref="ExtraColumn"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherColumn(float* b, nint bk, int kc, float* dst)
    {
        for (int k = 0; k < kc; k++) dst[k] = b[k * bk];
    }

    /// <summary>
    /// C tile (mr ≤ 12 or 8 rows, as <typeparamref name="TRows"/> says; nr ≤ 17 columns) = α·A_sliver·B_sliver
    /// + β·C, where the B sliver's first 16 columns are b[k·bs + 0…15] and, when nr = 17, its 17th is
    /// <paramref name="column"/>[k] (<see cref="GatherColumn"/>). A as in <see cref="Kernel12x32"/>: a[i·rs + k·ks].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Kernel16<TRows>(int kc, float* a, nint rs, nint ks, float* b, nint bs, float* column,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile)
        where TRows : struct
    {
        bool twelve = typeof(TRows) == typeof(TwelveRows);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, ca = default, cb = default;
        float* p0 = a, p4 = a + 4 * rs, p8 = a + 8 * rs;
        nint rs2 = 2 * rs, rs3 = 3 * rs;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(p0[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(p0[rs]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(p0[rs2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(p0[rs3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(p4[0]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(p4[rs]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(p4[rs2]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(p4[rs3]), b0, c7);
            if (twelve)
            {
                c8 = Vector512.FusedMultiplyAdd(Vector512.Create(p8[0]), b0, c8);
                c9 = Vector512.FusedMultiplyAdd(Vector512.Create(p8[rs]), b0, c9);
                ca = Vector512.FusedMultiplyAdd(Vector512.Create(p8[rs2]), b0, ca);
                cb = Vector512.FusedMultiplyAdd(Vector512.Create(p8[rs3]), b0, cb);
            }
            p0 += ks; p4 += ks; p8 += ks; b += bs;
        }

        Vector512.Store(c0, tile); Vector512.Store(c1, tile + Nr); Vector512.Store(c2, tile + 2 * Nr);
        Vector512.Store(c3, tile + 3 * Nr); Vector512.Store(c4, tile + 4 * Nr); Vector512.Store(c5, tile + 5 * Nr);
        Vector512.Store(c6, tile + 6 * Nr); Vector512.Store(c7, tile + 7 * Nr);
        if (twelve)
        {
            Vector512.Store(c8, tile + 8 * Nr); Vector512.Store(c9, tile + 9 * Nr);
            Vector512.Store(ca, tile + 10 * Nr); Vector512.Store(cb, tile + 11 * Nr);
        }
        if (nr > 16) ExtraColumn<TRows>(kc, a, rs, ks, column, tile + 16);
        StoreTile(tile, c, ci, cj, mr, nr, alpha, beta);
    }

    /// <summary>
    /// out[r·32] = Σ_k A(r, k)·column[k] for the 12 (or 8) rows of an A sliver, A(r, k) = a[r·rs + k·ks].
    /// Rows read in place (ks = 1) are dot products vectorised over k, 16 k a step, one FMA chain each:
    /// the A lines are the ones the 16 columns just read. A packed sliver (rs = 1) holds A(0…11, k)
    /// side by side, so each k is one FMA over the rows, in four chains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExtraColumn<TRows>(int kc, float* a, nint rs, nint ks, float* column, float* output)
        where TRows : struct
    {
        int rows = RowsOf<TRows>();
        bool twelve = rows == Mr;
        var zero = Vector512<float>.Zero;
        if (ks == 1)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default,
                s6 = default, s7 = default, s8 = default, s9 = default, sa = default, sb = default;
            float* p0 = a, p4 = a + 4 * rs, p8 = a + 8 * rs;
            nint rs2 = 2 * rs, rs3 = 3 * rs;
            for (int k = 0; k < kc; k += 16)
            {
                // The last step masks the lanes past kc: they read nothing and add zero.
                var m = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(kc - k)).AsSingle();
                var y = Avx512F.MaskLoad(column + k, m, zero);
                s0 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p0 + k, m, zero), y, s0);
                s1 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p0 + rs + k, m, zero), y, s1);
                s2 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p0 + rs2 + k, m, zero), y, s2);
                s3 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p0 + rs3 + k, m, zero), y, s3);
                s4 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p4 + k, m, zero), y, s4);
                s5 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p4 + rs + k, m, zero), y, s5);
                s6 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p4 + rs2 + k, m, zero), y, s6);
                s7 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p4 + rs3 + k, m, zero), y, s7);
                if (twelve)
                {
                    s8 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p8 + k, m, zero), y, s8);
                    s9 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p8 + rs + k, m, zero), y, s9);
                    sa = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p8 + rs2 + k, m, zero), y, sa);
                    sb = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p8 + rs3 + k, m, zero), y, sb);
                }
            }
            output[0] = Vector512.Sum(s0); output[Nr] = Vector512.Sum(s1); output[2 * Nr] = Vector512.Sum(s2);
            output[3 * Nr] = Vector512.Sum(s3); output[4 * Nr] = Vector512.Sum(s4); output[5 * Nr] = Vector512.Sum(s5);
            output[6 * Nr] = Vector512.Sum(s6); output[7 * Nr] = Vector512.Sum(s7);
            if (twelve)
            {
                output[8 * Nr] = Vector512.Sum(s8); output[9 * Nr] = Vector512.Sum(s9);
                output[10 * Nr] = Vector512.Sum(sa); output[11 * Nr] = Vector512.Sum(sb);
            }
            return;
        }

        // Packed: lanes 0–11 (0–7) of a[k·ks] are A(0…11, k); the mask keeps the load inside the sliver.
        var inRows = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(rows)).AsSingle();
        Vector512<float> t0 = default, t1 = default, t2 = default, t3 = default;
        int kk = 0;
        for (; kk + 4 <= kc; kk += 4)
        {
            float* p = a + kk * ks;
            t0 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p, inRows, zero), Vector512.Create(column[kk]), t0);
            t1 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p + ks, inRows, zero), Vector512.Create(column[kk + 1]), t1);
            t2 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p + 2 * ks, inRows, zero), Vector512.Create(column[kk + 2]), t2);
            t3 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(p + 3 * ks, inRows, zero), Vector512.Create(column[kk + 3]), t3);
        }
        for (; kk < kc; kk++)
            t0 = Vector512.FusedMultiplyAdd(Avx512F.MaskLoad(a + kk * ks, inRows, zero), Vector512.Create(column[kk]), t0);
        var sum = (t0 + t1) + (t2 + t3);
        for (int r = 0; r < rows; r++) output[r * Nr] = sum.GetElement(r);
    }
}
