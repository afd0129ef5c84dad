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
        // transposed C (ci == 1) is transposed in registers, anything else goes to the scalar store.
        Spill(tile, c00, c01); Spill(tile + 32, c10, c11); Spill(tile + 64, c20, c21); Spill(tile + 96, c30, c31);
        Spill(tile + 128, c40, c41); Spill(tile + 160, c50, c51); Spill(tile + 192, c60, c61); Spill(tile + 224, c70, c71);
        Spill(tile + 256, c80, c81); Spill(tile + 288, c90, c91); Spill(tile + 320, ca0, ca1); Spill(tile + 352, cb0, cb1);
        if (mr == 12 && nr == 32 && ci == 1) StoreTileTransposed(tile, c, cj, 12, alpha, beta);
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
        if (mr == 8 && nr == 32 && ci == 1) StoreTileTransposed(tile, c, cj, 8, alpha, beta);
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
    /// Writes a full tile of <paramref name="rows"/> (8 or 12) × 32 unscaled sums, spilled row by row to
    /// <paramref name="tile"/>, to a C stored transposed, C(i, j) = c[i + j·cj] (the problem was solved as
    /// Cᵀ = op(B)ᵀ·op(A)ᵀ): 16 columns at a time, each a 16×16 block transposed in registers
    /// (<see cref="StoreTransposed16"/>). Transposing 8×8 and 4×4 blocks reloaded from the spilled tile
    /// in halves and quarters instead made 128×512×512 nt, every tile of which is stored this way, ~10%
    /// slower than the same work stored untransposed (512×128×512 nt).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreTileTransposed(float* tile, float* c, nint cj, int rows, float alpha, float beta)
    {
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        StoreTransposed16(tile, c, cj, rows, va, vb, beta != 0f);
        StoreTransposed16(tile + 16, c + 16 * cj, cj, rows, va, vb, beta != 0f);
    }

    /// <summary>
    /// Rows 0…rows-1 of a spilled tile (16 floats each at tile + 32·i; rows past them zero) as a 16×16
    /// block transposed in registers (unpack, shuffle, two 128-bit lane shuffles), column n written as
    /// one run of <paramref name="rows"/> floats at c + n·cj: α·sum, plus β·C when <paramref name="read"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreTransposed16(float* tile, float* c, nint cj, int rows, Vector512<float> alpha, Vector512<float> beta, bool read)
    {
        var zero = Vector512<float>.Zero;
        Vector512<float> r0 = Vector512.Load(tile), r1 = Vector512.Load(tile + 32), r2 = Vector512.Load(tile + 64), r3 = Vector512.Load(tile + 96),
            r4 = Vector512.Load(tile + 128), r5 = Vector512.Load(tile + 160), r6 = Vector512.Load(tile + 192), r7 = Vector512.Load(tile + 224),
            r8 = zero, r9 = zero, r10 = zero, r11 = zero;
        if (rows == 12)
        {
            r8 = Vector512.Load(tile + 256); r9 = Vector512.Load(tile + 288); r10 = Vector512.Load(tile + 320); r11 = Vector512.Load(tile + 352);
        }
        // After the unpacks, t holds pairs of rows interleaved; after the shuffles, u holds 4 rows of
        // one column per 128-bit lane; v then pairs rows 0–7 (or 8–15) lane by lane.
        var t0 = Avx512F.UnpackLow(r0, r1); var t1 = Avx512F.UnpackHigh(r0, r1);
        var t2 = Avx512F.UnpackLow(r2, r3); var t3 = Avx512F.UnpackHigh(r2, r3);
        var t4 = Avx512F.UnpackLow(r4, r5); var t5 = Avx512F.UnpackHigh(r4, r5);
        var t6 = Avx512F.UnpackLow(r6, r7); var t7 = Avx512F.UnpackHigh(r6, r7);
        var t8 = Avx512F.UnpackLow(r8, r9); var t9 = Avx512F.UnpackHigh(r8, r9);
        var ta = Avx512F.UnpackLow(r10, r11); var tb = Avx512F.UnpackHigh(r10, r11);
        var u0 = Avx512F.Shuffle(t0, t2, 0x44); var u1 = Avx512F.Shuffle(t0, t2, 0xEE);
        var u2 = Avx512F.Shuffle(t1, t3, 0x44); var u3 = Avx512F.Shuffle(t1, t3, 0xEE);
        var u4 = Avx512F.Shuffle(t4, t6, 0x44); var u5 = Avx512F.Shuffle(t4, t6, 0xEE);
        var u6 = Avx512F.Shuffle(t5, t7, 0x44); var u7 = Avx512F.Shuffle(t5, t7, 0xEE);
        var u8 = Avx512F.Shuffle(t8, ta, 0x44); var u9 = Avx512F.Shuffle(t8, ta, 0xEE);
        var ua = Avx512F.Shuffle(t9, tb, 0x44); var ub = Avx512F.Shuffle(t9, tb, 0xEE);
        var v0 = Avx512F.Shuffle4x128(u0, u4, 0x88); var v1 = Avx512F.Shuffle4x128(u0, u4, 0xDD);
        var v2 = Avx512F.Shuffle4x128(u1, u5, 0x88); var v3 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
        var v4 = Avx512F.Shuffle4x128(u2, u6, 0x88); var v5 = Avx512F.Shuffle4x128(u2, u6, 0xDD);
        var v6 = Avx512F.Shuffle4x128(u3, u7, 0x88); var v7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
        var v8 = Avx512F.Shuffle4x128(u8, zero, 0x88); var v9 = Avx512F.Shuffle4x128(u8, zero, 0xDD);
        var va = Avx512F.Shuffle4x128(u9, zero, 0x88); var vb = Avx512F.Shuffle4x128(u9, zero, 0xDD);
        var vc = Avx512F.Shuffle4x128(ua, zero, 0x88); var vd = Avx512F.Shuffle4x128(ua, zero, 0xDD);
        var ve = Avx512F.Shuffle4x128(ub, zero, 0x88); var vf = Avx512F.Shuffle4x128(ub, zero, 0xDD);
        StoreColumn(c, rows, Avx512F.Shuffle4x128(v0, v8, 0x88), alpha, beta, read);
        StoreColumn(c + cj, rows, Avx512F.Shuffle4x128(v2, va, 0x88), alpha, beta, read);
        StoreColumn(c + 2 * cj, rows, Avx512F.Shuffle4x128(v4, vc, 0x88), alpha, beta, read);
        StoreColumn(c + 3 * cj, rows, Avx512F.Shuffle4x128(v6, ve, 0x88), alpha, beta, read);
        StoreColumn(c + 4 * cj, rows, Avx512F.Shuffle4x128(v1, v9, 0x88), alpha, beta, read);
        StoreColumn(c + 5 * cj, rows, Avx512F.Shuffle4x128(v3, vb, 0x88), alpha, beta, read);
        StoreColumn(c + 6 * cj, rows, Avx512F.Shuffle4x128(v5, vd, 0x88), alpha, beta, read);
        StoreColumn(c + 7 * cj, rows, Avx512F.Shuffle4x128(v7, vf, 0x88), alpha, beta, read);
        StoreColumn(c + 8 * cj, rows, Avx512F.Shuffle4x128(v0, v8, 0xDD), alpha, beta, read);
        StoreColumn(c + 9 * cj, rows, Avx512F.Shuffle4x128(v2, va, 0xDD), alpha, beta, read);
        StoreColumn(c + 10 * cj, rows, Avx512F.Shuffle4x128(v4, vc, 0xDD), alpha, beta, read);
        StoreColumn(c + 11 * cj, rows, Avx512F.Shuffle4x128(v6, ve, 0xDD), alpha, beta, read);
        StoreColumn(c + 12 * cj, rows, Avx512F.Shuffle4x128(v1, v9, 0xDD), alpha, beta, read);
        StoreColumn(c + 13 * cj, rows, Avx512F.Shuffle4x128(v3, vb, 0xDD), alpha, beta, read);
        StoreColumn(c + 14 * cj, rows, Avx512F.Shuffle4x128(v5, vd, 0xDD), alpha, beta, read);
        StoreColumn(c + 15 * cj, rows, Avx512F.Shuffle4x128(v7, vf, 0xDD), alpha, beta, read);
    }

    /// <summary>d[0…rows-1] = α·v[0…rows-1] (+ β·d when <paramref name="read"/>), rows = 8 or 12: an 8-wide and a 4-wide store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumn(float* d, int rows, Vector512<float> v, Vector512<float> alpha, Vector512<float> beta, bool read)
    {
        v *= alpha;
        var lo = v.GetLower();
        if (read) lo = Vector256.FusedMultiplyAdd(Vector256.Load(d), beta.GetLower(), lo);
        lo.Store(d);
        if (rows == 12)
        {
            var hi = Avx512F.ExtractVector128(v, 2);
            if (read) hi = Vector128.FusedMultiplyAdd(Vector128.Load(d + 8), beta.GetLower().GetLower(), hi);
            hi.Store(d + 8);
        }
    }

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
