using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The AVX-512 micro-kernels: a register tile of C += A_sliver · B_sliver over kc steps, where the
/// A sliver holds MR rows and the B sliver is 32 columns (two zmm). 12×32 keeps 24 accumulators,
/// two B vectors and one broadcast live = 27 of the 32 zmm registers; per k step it issues
/// 24 FMAs (12 cycles at 2 FMA/cycle) against 2 vector loads + 12 broadcasts, so it is FMA-bound,
/// and 24 independent chains cover the 4-cycle FMA latency × 2 ports = 8 needed. The 4×32 tile
/// (8 chains) serves the last rows of M so a short remainder does not pay for 12.
/// A is addressed as a[i·rs + k·ks] (packed sliver: rs = 1, ks = MR; row-major A read in place:
/// rs = lda, ks = 1); B as b[k·bs + j] (packed: bs = 32; row-major B read in place: bs = ldb).
/// The kernels, packing and loop nest skip tiered compilation (AggressiveOptimization): tier-0 code
/// runs them ~8× slower, and with the other core busy the tier-1 re-JIT can take seconds to arrive.
/// </summary>
internal static unsafe partial class CpuGemm
{
    /// <summary>C tile (mr ≤ 12, nr ≤ 32) = alpha·Σ_k a·b + beta·C; beta == 0 never reads C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel12x32(int kc, float* a, nint rs, nint ks, float* b, nint bs,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile) =>
        Kernel12x32<NoPacking>(kc, a, rs, ks, b, bs, null, c, ci, cj, mr, nr, alpha, beta, tile);

    /// <summary>
    /// <see cref="Kernel12x32"/> that packs the B sliver as it goes: it reads B(k, 0…31) from the
    /// row-major source (b[k·bs + j]) and also writes it to <paramref name="packed"/>[k·32 + j], where
    /// the kernels of the panel's other A slivers read it. The first A sliver of a panel runs this one,
    /// so B's packing has no pass of its own: its loads feed FMAs, and its stores go to a port the
    /// kernel leaves idle. The source rows are prefetched 32 rows ahead (a new page each at ldb ≥ 1024).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel12x32PackB(int kc, float* a, nint rs, nint ks, float* b, nint bs, float* packed,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile) =>
        Kernel12x32<PackingB>(kc, a, rs, ks, b, bs, packed, c, ci, cj, mr, nr, alpha, beta, tile);

    /// <summary>What a 12×32 kernel also does while it reads its slivers: nothing, or pack B (a type argument, so each is its own code).</summary>
    private struct NoPacking;
    private struct PackingB;

    /// <summary>The 12×32 tile; <typeparamref name="TPacking"/> says whether it also copies its B sliver to <paramref name="packed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Kernel12x32<TPacking>(int kc, float* a, nint rs, nint ks, float* b, nint bs, float* packed,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile)
        where TPacking : struct
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default,
            c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        float* p0 = a, p4 = a + 4 * rs, p8 = a + 8 * rs;
        nint rs2 = 2 * rs, rs3 = 3 * rs;
        nint ahead = 32 * bs;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            if (typeof(TPacking) == typeof(PackingB))
            {
                Vector512.Store(b0, packed);
                Vector512.Store(b1, packed + 16);
                if (Sse.IsSupported) { Sse.Prefetch0(b + ahead); Sse.Prefetch0(b + ahead + 16); }
                packed += Nr;
            }
            var x = Vector512.Create(p0[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(p0[rs]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(p0[rs2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(p0[rs3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(p4[0]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(p4[rs]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(p4[rs2]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(p4[rs3]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(p8[0]);
            c80 = Vector512.FusedMultiplyAdd(x, b0, c80); c81 = Vector512.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(p8[rs]);
            c90 = Vector512.FusedMultiplyAdd(x, b0, c90); c91 = Vector512.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(p8[rs2]);
            ca0 = Vector512.FusedMultiplyAdd(x, b0, ca0); ca1 = Vector512.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(p8[rs3]);
            cb0 = Vector512.FusedMultiplyAdd(x, b0, cb0); cb1 = Vector512.FusedMultiplyAdd(x, b1, cb1);
            p0 += ks; p4 += ks; p8 += ks; b += bs;
        }

        var va = Vector512.Create(alpha);
        if (mr == 12 && nr == 32 && cj == 1)
        {
            if (beta == 0f)
            {
                Put(c, c00, c01, va); Put(c + ci, c10, c11, va); Put(c + 2 * ci, c20, c21, va);
                Put(c + 3 * ci, c30, c31, va); Put(c + 4 * ci, c40, c41, va); Put(c + 5 * ci, c50, c51, va);
                Put(c + 6 * ci, c60, c61, va); Put(c + 7 * ci, c70, c71, va); Put(c + 8 * ci, c80, c81, va);
                Put(c + 9 * ci, c90, c91, va); Put(c + 10 * ci, ca0, ca1, va); Put(c + 11 * ci, cb0, cb1, va);
            }
            else
            {
                var vb = Vector512.Create(beta);
                Update(c, c00, c01, va, vb); Update(c + ci, c10, c11, va, vb); Update(c + 2 * ci, c20, c21, va, vb);
                Update(c + 3 * ci, c30, c31, va, vb); Update(c + 4 * ci, c40, c41, va, vb); Update(c + 5 * ci, c50, c51, va, vb);
                Update(c + 6 * ci, c60, c61, va, vb); Update(c + 7 * ci, c70, c71, va, vb); Update(c + 8 * ci, c80, c81, va, vb);
                Update(c + 9 * ci, c90, c91, va, vb); Update(c + 10 * ci, ca0, ca1, va, vb); Update(c + 11 * ci, cb0, cb1, va, vb);
            }
            return;
        }

        // Edge tile, or C written transposed: spill the accumulators (unscaled); a full tile of a
        // transposed C (ci == 1) is written in 8×8 and 4×4 transposed blocks, anything else by the scalar store.
        Spill(tile, c00, c01); Spill(tile + 32, c10, c11); Spill(tile + 64, c20, c21); Spill(tile + 96, c30, c31);
        Spill(tile + 128, c40, c41); Spill(tile + 160, c50, c51); Spill(tile + 192, c60, c61); Spill(tile + 224, c70, c71);
        Spill(tile + 256, c80, c81); Spill(tile + 288, c90, c91); Spill(tile + 320, ca0, ca1); Spill(tile + 352, cb0, cb1);
        if (mr == 12 && nr == 32 && ci == 1 && Avx.IsSupported && Fma.IsSupported) StoreTileTransposed(tile, c, cj, 12, alpha, beta);
        else StoreTile(tile, c, ci, cj, mr, nr, alpha, beta);
    }

    /// <summary>The 8-row variant of <see cref="Kernel12x32"/> (16 chains), for M ≡ 5…8 (mod 12): 32 = 12 + 12 + 8, 64 = 5·12 + 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Kernel8x32(int kc, float* a, nint rs, nint ks, float* b, nint bs,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        float* p0 = a, p4 = a + 4 * rs;
        nint rs2 = 2 * rs, rs3 = 3 * rs;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(p0[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(p0[rs]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(p0[rs2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(p0[rs3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(p4[0]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(p4[rs]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(p4[rs2]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(p4[rs3]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            p0 += ks; p4 += ks; b += bs;
        }

        var va = Vector512.Create(alpha);
        if (mr == 8 && nr == 32 && cj == 1)
        {
            if (beta == 0f)
            {
                Put(c, c00, c01, va); Put(c + ci, c10, c11, va); Put(c + 2 * ci, c20, c21, va); Put(c + 3 * ci, c30, c31, va);
                Put(c + 4 * ci, c40, c41, va); Put(c + 5 * ci, c50, c51, va); Put(c + 6 * ci, c60, c61, va); Put(c + 7 * ci, c70, c71, va);
            }
            else
            {
                var vb = Vector512.Create(beta);
                Update(c, c00, c01, va, vb); Update(c + ci, c10, c11, va, vb); Update(c + 2 * ci, c20, c21, va, vb); Update(c + 3 * ci, c30, c31, va, vb);
                Update(c + 4 * ci, c40, c41, va, vb); Update(c + 5 * ci, c50, c51, va, vb); Update(c + 6 * ci, c60, c61, va, vb); Update(c + 7 * ci, c70, c71, va, vb);
            }
            return;
        }

        Spill(tile, c00, c01); Spill(tile + 32, c10, c11); Spill(tile + 64, c20, c21); Spill(tile + 96, c30, c31);
        Spill(tile + 128, c40, c41); Spill(tile + 160, c50, c51); Spill(tile + 192, c60, c61); Spill(tile + 224, c70, c71);
        if (mr == 8 && nr == 32 && ci == 1 && Avx.IsSupported && Fma.IsSupported) StoreTileTransposed(tile, c, cj, 8, alpha, beta);
        else StoreTile(tile, c, ci, cj, mr, nr, alpha, beta);
    }

    /// <summary>The 4-row variant of <see cref="Kernel12x32"/> for the last rows of M.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Kernel4x32(int kc, float* a, nint rs, nint ks, float* b, nint bs,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default;
        nint rs2 = 2 * rs, rs3 = 3 * rs;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[rs]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[rs2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[rs3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            a += ks; b += bs;
        }

        var va = Vector512.Create(alpha);
        if (mr == 4 && nr == 32 && cj == 1)
        {
            if (beta == 0f)
            {
                Put(c, c00, c01, va); Put(c + ci, c10, c11, va); Put(c + 2 * ci, c20, c21, va); Put(c + 3 * ci, c30, c31, va);
            }
            else
            {
                var vb = Vector512.Create(beta);
                Update(c, c00, c01, va, vb); Update(c + ci, c10, c11, va, vb);
                Update(c + 2 * ci, c20, c21, va, vb); Update(c + 3 * ci, c30, c31, va, vb);
            }
            return;
        }

        Spill(tile, c00, c01); Spill(tile + 32, c10, c11); Spill(tile + 64, c20, c21); Spill(tile + 96, c30, c31);
        StoreTile(tile, c, ci, cj, mr, nr, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> alpha)
    {
        Vector512.Store(v0 * alpha, c);
        Vector512.Store(v1 * alpha, c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> alpha, Vector512<float> beta)
    {
        Vector512.Store(Vector512.FusedMultiplyAdd(v0, alpha, Vector512.Load(c) * beta), c);
        Vector512.Store(Vector512.FusedMultiplyAdd(v1, alpha, Vector512.Load(c + 16) * beta), c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Spill(float* t, Vector512<float> v0, Vector512<float> v1)
    {
        Vector512.Store(v0, t);
        Vector512.Store(v1, t + 16);
    }

    /// <summary>
    /// Writes a full tile of <paramref name="rows"/> (8 or 12) × 32 unscaled sums to a C stored transposed,
    /// C(i, j) = c[i + j·cj] (the problem was solved as Cᵀ = op(B)ᵀ·op(A)ᵀ): each 8 × 8 block (4 × 4 for
    /// rows 8–11) of the tile is transposed in registers and written as contiguous runs of C's rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreTileTransposed(float* tile, float* c, nint cj, int rows, float alpha, float beta)
    {
        for (int j = 0; j < Nr; j += 8)
            TransposeStore8x8(tile + j, Nr, c + j * cj, cj, alpha, beta);
        if (rows == 12)
            for (int j = 0; j < Nr; j += 4)
                TransposeStore4x4(tile + 8 * Nr + j, Nr, c + 8 + j * cj, cj, alpha, beta);
    }

    /// <summary>dst[r·ld + c] = α·src[c·srcLd + r] + β·dst[r·ld + c] for an 8×8 block (β == 0 never reads dst).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeStore8x8(float* src, nint srcLd, float* dst, nint ld, float alpha, float beta)
    {
        Load8(src, srcLd, out var r0, out var r1, out var r2, out var r3, out var r4, out var r5, out var r6, out var r7);
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        bool read = beta != 0f;
        Update(dst, r0, va, vb, read);
        Update(dst + ld, r1, va, vb, read);
        Update(dst + 2 * ld, r2, va, vb, read);
        Update(dst + 3 * ld, r3, va, vb, read);
        Update(dst + 4 * ld, r4, va, vb, read);
        Update(dst + 5 * ld, r5, va, vb, read);
        Update(dst + 6 * ld, r6, va, vb, read);
        Update(dst + 7 * ld, r7, va, vb, read);
    }

    /// <summary>dst[r·ld + c] = α·src[c·srcLd + r] + β·dst[r·ld + c] for a 4×4 block (β == 0 never reads dst).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeStore4x4(float* src, nint srcLd, float* dst, nint ld, float alpha, float beta)
    {
        Load4(src, srcLd, out var r0, out var r1, out var r2, out var r3);
        Transpose(ref r0, ref r1, ref r2, ref r3);
        var va = Vector128.Create(alpha);
        var vb = Vector128.Create(beta);
        bool read = beta != 0f;
        Update(dst, r0, va, vb, read);
        Update(dst + ld, r1, va, vb, read);
        Update(dst + 2 * ld, r2, va, vb, read);
        Update(dst + 3 * ld, r3, va, vb, read);
    }

    /// <summary>d = α·v, plus β·d when <paramref name="read"/> (β ≠ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* d, Vector256<float> v, Vector256<float> alpha, Vector256<float> beta, bool read) =>
        Avx.Store(d, read ? Fma.MultiplyAdd(v, alpha, Avx.LoadVector256(d) * beta) : v * alpha);

    /// <summary>d = α·v, plus β·d when <paramref name="read"/> (β ≠ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* d, Vector128<float> v, Vector128<float> alpha, Vector128<float> beta, bool read) =>
        Sse.Store(d, read ? Fma.MultiplyAdd(v, alpha, Sse.LoadVector128(d) * beta) : v * alpha);

    /// <summary>
    /// Writes the live mr×nr corner of a 32-wide tile of unscaled sums to C(i, j) = c[i·ci + j·cj]
    /// (cj ≠ 1 when the problem was solved transposed). beta == 0: C is overwritten, never read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreTile(float* tile, float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta)
    {
        for (int i = 0; i < mr; i++)
        {
            float* t = tile + i * Nr;
            float* row = c + i * ci;
            if (beta == 0f)
                for (int j = 0; j < nr; j++) row[j * cj] = alpha * t[j];
            else
                for (int j = 0; j < nr; j++) row[j * cj] = alpha * t[j] + beta * row[j * cj];
        }
    }
}
