using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The AVX-512 micro-kernels: a register tile of C += A_sliver · B_sliver over kc steps, where the
/// A sliver holds MR rows and the B sliver is 32 columns (two zmm). 12×32 keeps 24 accumulators,
/// two B vectors and one broadcast live = 27 of the 32 zmm registers; per k step it issues
/// 24 FMAs (12 cycles at 2 FMA/cycle) against 2 vector loads + 12 broadcasts, so it is FMA-bound,
/// and 24 independent chains cover the 4-cycle FMA latency × 2 ports = 8 needed. The 8×32 tile
/// (16 chains) takes the last 5–16 rows of M, the 4×32 tile (8 chains) an M of at most 4
/// (<see cref="SliverRows"/>); all three are one kernel, <see cref="TileX32"/>.
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
        KernelX32<TwelveRows, NoPacking>(kc, a, rs, ks, b, bs, null, c, ci, cj, mr, nr, alpha, beta, tile);

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
        KernelX32<TwelveRows, PackingB>(kc, a, rs, ks, b, bs, packed, c, ci, cj, mr, nr, alpha, beta, tile);

    /// <summary>The 8-row variant of <see cref="Kernel12x32"/> (16 chains), for the last 5–16 rows of M (<see cref="SliverRows"/>): 32 = 12 + 12 + 8, 64 = 4·12 + 8 + 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel8x32(int kc, float* a, nint rs, nint ks, float* b, nint bs,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile) =>
        KernelX32<EightRows, NoPacking>(kc, a, rs, ks, b, bs, null, c, ci, cj, mr, nr, alpha, beta, tile);

    /// <summary>The 4-row variant of <see cref="Kernel12x32"/> (8 chains), for an M of at most 4 (<see cref="SliverRows"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x32(int kc, float* a, nint rs, nint ks, float* b, nint bs,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile) =>
        KernelX32<FourRows, NoPacking>(kc, a, rs, ks, b, bs, null, c, ci, cj, mr, nr, alpha, beta, tile);

    /// <summary>The rows of a kernel's sliver, as a type argument (each its own code): 12, 8 or 4.</summary>
    private struct TwelveRows;
    private struct EightRows;
    private struct FourRows;

    /// <summary>Rows of a sliver of <typeparamref name="TRows"/> (a constant in each instantiation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RowsOf<TRows>() where TRows : struct =>
        typeof(TRows) == typeof(TwelveRows) ? 12 : typeof(TRows) == typeof(EightRows) ? 8 : 4;

    /// <summary>What a 32-wide kernel also does while it reads its slivers: nothing, or pack B (a type argument, so each is its own code).</summary>
    private struct NoPacking;
    private struct PackingB;

    /// <summary>
    /// How a kernel addresses its slivers, as type arguments, so each layout is its own code with its
    /// strides constant where they are: A packed (rs = 1, ks = the sliver's rows) or rows read in place
    /// (ks = 1, rs = lda); B packed (bs = 32) or rows read in place (bs = ldb).
    /// </summary>
    private struct PackedA;
    private struct RowsOfA;
    private struct PackedB;
    private struct RowsOfB;

    /// <summary>Picks the layout instantiation of <see cref="TileX32"/> for a sliver's strides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KernelX32<TRows, TPacking>(int kc, float* a, nint rs, nint ks, float* b, nint bs, float* packed,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile)
        where TRows : struct where TPacking : struct
    {
        if (ks == 1)
        {
            if (bs == Nr) TileX32<TRows, RowsOfA, PackedB, TPacking>(kc, a, rs, b, bs, packed, c, ci, cj, mr, nr, alpha, beta, tile);
            else TileX32<TRows, RowsOfA, RowsOfB, TPacking>(kc, a, rs, b, bs, packed, c, ci, cj, mr, nr, alpha, beta, tile);
        }
        else
        {
            if (rs != 1 || ks != RowsOf<TRows>())
                throw new InvalidOperationException($"A sliver with rs = {rs}, ks = {ks} is neither packed nor rows read in place");
            if (bs == Nr) TileX32<TRows, PackedA, PackedB, TPacking>(kc, a, rs, b, bs, packed, c, ci, cj, mr, nr, alpha, beta, tile);
            else TileX32<TRows, PackedA, RowsOfB, TPacking>(kc, a, rs, b, bs, packed, c, ci, cj, mr, nr, alpha, beta, tile);
        }
    }

    /// <summary>The accumulators of a 12×32 tile, two zmm per row (an 8- or 4-row tile uses the first 16 or 8); the JIT keeps them all in registers.</summary>
    private struct Accumulators
    {
        public Vector512<float> C00, C01, C10, C11, C20, C21, C30, C31;  // rows 0–3
        public Vector512<float> C40, C41, C50, C51, C60, C61, C70, C71;  // rows 4–7
        public Vector512<float> C80, C81, C90, C91, Ca0, Ca1, Cb0, Cb1;  // rows 8–11
    }

    /// <summary>
    /// The 32-wide tile of <typeparamref name="TRows"/> rows in the layouts <typeparamref name="TA"/>,
    /// <typeparamref name="TB"/>, packing B as it goes where <typeparamref name="TPacking"/> says so.
    /// k runs four steps per loop pass: the loop's own instructions (pointer steps, address offsets,
    /// counter, branch) are then 18–21 per 96 FMAs in the JIT's listing rather than 32, and on Intel
    /// cores they share ports with the FMAs and loads. On the Ice Lake server cores of bench/RESULTS.md
    /// one core's 512 rows of 1024³ ran at 136 GFLOP/s against 125 one k step a pass (FMA loop 178), and
    /// the shapes of `sgemm_shapes` gained up to 18% on two cores. The strides are constants where the
    /// layout fixes them, so a packed sliver's loads are a register plus a displacement.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void TileX32<TRows, TA, TB, TPacking>(int kc, float* a, nint rs, float* b, nint bs, float* packed,
        float* c, nint ci, nint cj, int mr, int nr, float alpha, float beta, float* tile)
        where TRows : struct where TA : struct where TB : struct where TPacking : struct
    {
        int rows = RowsOf<TRows>();
        nint ks = 1;
        if (typeof(TA) == typeof(PackedA)) { rs = 1; ks = rows; }
        if (typeof(TB) == typeof(PackedB)) bs = Nr;
        bool packing = typeof(TPacking) == typeof(PackingB);
        Accumulators t = default;
        float* p4 = a + 4 * rs, p8 = a + 8 * rs;
        nint rs2 = 2 * rs, rs3 = 3 * rs, ahead = 32 * bs;
        int k = 0;
        // Packing B keeps one step a pass: four would need more pointers than there are registers.
        for (; !packing && k <= kc - 4; k += 4)
        {
            Step<TRows, TA, TPacking>(ref t, a, p4, p8, rs, rs2, rs3, 0, b, 0, null, 0);
            Step<TRows, TA, TPacking>(ref t, a, p4, p8, rs, rs2, rs3, ks, b, bs, null, 0);
            Step<TRows, TA, TPacking>(ref t, a, p4, p8, rs, rs2, rs3, 2 * ks, b, 2 * bs, null, 0);
            Step<TRows, TA, TPacking>(ref t, a, p4, p8, rs, rs2, rs3, 3 * ks, b, 3 * bs, null, 0);
            a += 4 * ks; p4 += 4 * ks; p8 += 4 * ks; b += 4 * bs;
        }
        for (; k < kc; k++)
        {
            Step<TRows, TA, TPacking>(ref t, a, p4, p8, rs, rs2, rs3, 0, b, 0, packed, ahead);
            a += ks; p4 += ks; p8 += ks; b += bs;
            if (packing) packed += Nr;
        }

        var va = Vector512.Create(alpha);
        if (mr == rows && nr == 32 && cj == 1)
        {
            if (beta == 0f)
            {
                Put(c, t.C00, t.C01, va); Put(c + ci, t.C10, t.C11, va); Put(c + 2 * ci, t.C20, t.C21, va); Put(c + 3 * ci, t.C30, t.C31, va);
                if (rows >= 8)
                {
                    Put(c + 4 * ci, t.C40, t.C41, va); Put(c + 5 * ci, t.C50, t.C51, va); Put(c + 6 * ci, t.C60, t.C61, va); Put(c + 7 * ci, t.C70, t.C71, va);
                }
                if (rows == 12)
                {
                    Put(c + 8 * ci, t.C80, t.C81, va); Put(c + 9 * ci, t.C90, t.C91, va); Put(c + 10 * ci, t.Ca0, t.Ca1, va); Put(c + 11 * ci, t.Cb0, t.Cb1, va);
                }
            }
            else
            {
                var vb = Vector512.Create(beta);
                Update(c, t.C00, t.C01, va, vb); Update(c + ci, t.C10, t.C11, va, vb); Update(c + 2 * ci, t.C20, t.C21, va, vb); Update(c + 3 * ci, t.C30, t.C31, va, vb);
                if (rows >= 8)
                {
                    Update(c + 4 * ci, t.C40, t.C41, va, vb); Update(c + 5 * ci, t.C50, t.C51, va, vb); Update(c + 6 * ci, t.C60, t.C61, va, vb); Update(c + 7 * ci, t.C70, t.C71, va, vb);
                }
                if (rows == 12)
                {
                    Update(c + 8 * ci, t.C80, t.C81, va, vb); Update(c + 9 * ci, t.C90, t.C91, va, vb); Update(c + 10 * ci, t.Ca0, t.Ca1, va, vb); Update(c + 11 * ci, t.Cb0, t.Cb1, va, vb);
                }
            }
            return;
        }

        // Edge tile, or C written transposed: spill the accumulators (unscaled); a full tile of a
        // transposed C (ci == 1) is written in 8×8 and 4×4 transposed blocks, anything else by the scalar store.
        Spill(tile, t.C00, t.C01); Spill(tile + 32, t.C10, t.C11); Spill(tile + 64, t.C20, t.C21); Spill(tile + 96, t.C30, t.C31);
        if (rows >= 8)
        {
            Spill(tile + 128, t.C40, t.C41); Spill(tile + 160, t.C50, t.C51); Spill(tile + 192, t.C60, t.C61); Spill(tile + 224, t.C70, t.C71);
        }
        if (rows == 12)
        {
            Spill(tile + 256, t.C80, t.C81); Spill(tile + 288, t.C90, t.C91); Spill(tile + 320, t.Ca0, t.Ca1); Spill(tile + 352, t.Cb0, t.Cb1);
        }
        if (rows >= 8 && mr == rows && nr == 32 && ci == 1 && Avx.IsSupported && Fma.IsSupported) StoreTileTransposed(tile, c, cj, rows, alpha, beta);
        else StoreTile(tile, c, ci, cj, mr, nr, alpha, beta);
    }

    /// <summary>
    /// One k step of <see cref="TileX32"/>: the B row at <paramref name="b"/> + <paramref name="bOff"/> (copied
    /// to <paramref name="packedRow"/> when packing), and A(i, k) for each row at offset <paramref name="kOff"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TRows, TA, TPacking>(ref Accumulators t, float* a, float* p4, float* p8, nint rs, nint rs2, nint rs3,
        nint kOff, float* b, nint bOff, float* packedRow, nint ahead)
        where TRows : struct where TA : struct where TPacking : struct
    {
        var b0 = Vector512.Load(b + bOff);
        var b1 = Vector512.Load(b + bOff + 16);
        if (typeof(TPacking) == typeof(PackingB))
        {
            Vector512.Store(b0, packedRow);
            Vector512.Store(b1, packedRow + 16);
            if (Sse.IsSupported) { Sse.Prefetch0(b + bOff + ahead); Sse.Prefetch0(b + bOff + ahead + 16); }
        }
        Vector512<float> x;
        x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 0, kOff)); t.C00 = Vector512.FusedMultiplyAdd(x, b0, t.C00); t.C01 = Vector512.FusedMultiplyAdd(x, b1, t.C01);
        x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 1, kOff)); t.C10 = Vector512.FusedMultiplyAdd(x, b0, t.C10); t.C11 = Vector512.FusedMultiplyAdd(x, b1, t.C11);
        x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 2, kOff)); t.C20 = Vector512.FusedMultiplyAdd(x, b0, t.C20); t.C21 = Vector512.FusedMultiplyAdd(x, b1, t.C21);
        x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 3, kOff)); t.C30 = Vector512.FusedMultiplyAdd(x, b0, t.C30); t.C31 = Vector512.FusedMultiplyAdd(x, b1, t.C31);
        if (RowsOf<TRows>() >= 8)
        {
            x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 4, kOff)); t.C40 = Vector512.FusedMultiplyAdd(x, b0, t.C40); t.C41 = Vector512.FusedMultiplyAdd(x, b1, t.C41);
            x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 5, kOff)); t.C50 = Vector512.FusedMultiplyAdd(x, b0, t.C50); t.C51 = Vector512.FusedMultiplyAdd(x, b1, t.C51);
            x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 6, kOff)); t.C60 = Vector512.FusedMultiplyAdd(x, b0, t.C60); t.C61 = Vector512.FusedMultiplyAdd(x, b1, t.C61);
            x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 7, kOff)); t.C70 = Vector512.FusedMultiplyAdd(x, b0, t.C70); t.C71 = Vector512.FusedMultiplyAdd(x, b1, t.C71);
        }
        if (RowsOf<TRows>() == 12)
        {
            x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 8, kOff)); t.C80 = Vector512.FusedMultiplyAdd(x, b0, t.C80); t.C81 = Vector512.FusedMultiplyAdd(x, b1, t.C81);
            x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 9, kOff)); t.C90 = Vector512.FusedMultiplyAdd(x, b0, t.C90); t.C91 = Vector512.FusedMultiplyAdd(x, b1, t.C91);
            x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 10, kOff)); t.Ca0 = Vector512.FusedMultiplyAdd(x, b0, t.Ca0); t.Ca1 = Vector512.FusedMultiplyAdd(x, b1, t.Ca1);
            x = Vector512.Create(A<TA>(a, p4, p8, rs, rs2, rs3, 11, kOff)); t.Cb0 = Vector512.FusedMultiplyAdd(x, b0, t.Cb0); t.Cb1 = Vector512.FusedMultiplyAdd(x, b1, t.Cb1);
        }
    }

    /// <summary>A(row, k) of a sliver: packed, a[row + kOff]; rows in place, row r at a, p4 or p8 plus 0, rs, rs2 or rs3 (r constant, so this folds to one address).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float A<TA>(float* a, float* p4, float* p8, nint rs, nint rs2, nint rs3, int row, nint kOff) where TA : struct
    {
        if (typeof(TA) == typeof(PackedA)) return a[row + kOff];
        float* p = row < 4 ? a : row < 8 ? p4 : p8;
        nint o = (row & 3) switch { 0 => 0, 1 => rs, 2 => rs2, _ => rs3 };
        return p[o + kOff];
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
