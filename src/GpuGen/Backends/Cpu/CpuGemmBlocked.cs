using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The blocked loop nest for one thread (GotoBLAS/BLIS order): for each KC block of depth and NC
/// block of columns, pack B once (kc × nc, kept in L2: ≤ 384 KiB, 1024 × 96 at 1024³, of the Zen 5
/// core's 1 MiB), then walk A sliver by sliver (packed once per KC block when there are several NC
/// blocks); the kernel streams every B sliver of the panel past each A sliver (MR × kc, ≤ 48 KiB).
/// Packing is skipped where it does not pay: a row-major A is read in place when few B slivers reuse
/// it (N ≤ 1024), and a row-major B is read in place when few A slivers reuse it (M ≤ 192).
/// Where the 512-bit kernels run, a row-major B panel has no packing pass of its own: the first A
/// sliver's kernels pack it as they read it (<see cref="Kernel12x32PackB"/>); the loads feed FMAs, and
/// the stores go to a port the kernels leave idle.
/// </summary>
internal static unsafe partial class CpuGemm
{
    private const int Mr = 12, Nr = 32, BPanelFloats = 256 * 1024;

    /// <summary>
    /// The deepest K block: 1024, so every K up to 1024 is one block, C is written once and never
    /// read back, and the cores sharing a GEMM's rows never wait at a block's end. The A sliver
    /// (12 × 1024 floats, 48 KiB) then fills the whole 48 KiB L1, so it cannot stay there while the B
    /// slivers stream past, and still every shape with K in (512, 1024] measured faster than with
    /// blocks of ≤ 512 (in process): 1024³ 390 against 378–381 GFLOP/s on two cores; the per-tap
    /// 64×64×840 and 32×96×840 1.2–1.4%; 128×512×784 nt 2.9%, 32×96×784 nt 5.8%, dcgan's 128×49×1024
    /// nn 3.9% (bench/RESULTS.md, issue 25). Earlier 512 rather than 384 gained 4–7% on the Linear
    /// layers' GEMMs.
    /// </summary>
    private const int KcMax = 1024;

    /// <summary>
    /// The deepest K block where B is read in place with its rows a multiple of 2 KiB apart (ldb a
    /// multiple of 512): then B's rows fall into 4 of the L1's 64 sets, and the longer blocks measured
    /// 3–13% slower (128×512×512 nn, one block of 512: 349 against 385 GFLOP/s in two of 256; the
    /// per-tap-like 64×512×840 nn 311 against 346). Any other ldb gained from 512 (128×256×512: 371 → 388).
    /// </summary>
    private const int KcMaxAliasedB = 384;

    /// <summary>
    /// Floats of packed B per panel (384 KiB, a bit over a third of the core's 1 MiB L2): at 1024³ a
    /// panel is 1024 × 96 (1024 × 128, 512 KiB, measured the same: 403 against 402 GFLOP/s; 1024 × 192
    /// 387 against 394). Panels sized to the whole 1 MiB buffer (342 × 512 at 1024³ with the earlier
    /// K blocks of ≤ 384) left little room in L2 beside them for the A slivers, read again for every
    /// panel, and the C lines the kernels update: they measured 2–4% slower (bench/RESULTS.md, issue 25).
    /// </summary>
    private const int BPanelBudget = 96 * 1024;
    /// <summary>
    /// Tunables (settable by benchmarks): read A in place while N ≤ DirectAMaxN, B while M ≤ DirectBMaxM.
    /// 512 rather than 256 for A: the Linear layers' 128×784×512 nt (N = 392 per core) and 128×512×784
    /// and 128×512×512 nn (N = 512) measured 2–6% faster reading A in place; 1024 rather than 512 once
    /// the K blocks were 512 deep and C was prefetched into L2: 1024³ 398 against 392 GFLOP/s,
    /// 512×1000×300 389 against 384, while at N = 2048 packing stayed ahead (2048³: 383 in place, 388
    /// packed). With K blocks of 1024, 1024³ still ran faster in place: 390.4 against 385.8 packed
    /// (bench/RESULTS.md, issue 25).
    /// </summary>
    internal static int DirectAMaxN = 1024, DirectBMaxM = 192;

    /// <summary>Tunable (settable by benchmarks): pack A's K block once for every panel of B rather than once per panel.</summary>
    internal static bool PackAOnce = true;

    /// <summary>Tunable (settable by benchmarks): pack row-major B's full slivers inside the first A sliver's kernels (<see cref="Kernel12x32PackB"/>).</summary>
    internal static bool PackBInKernel = true;

    /// <summary>
    /// Whether the kernels' C tiles are prefetched (<see cref="PrefetchTile"/>): where C is row-major
    /// and at least this many floats (512 KiB: it will not still be in L2 from its last tile).
    /// Settable by benchmarks.
    /// </summary>
    internal static bool PrefetchC = true;
    internal const long PrefetchCMinFloats = 128 * 1024;

    /// <summary>The shortest K block whose C tiles are prefetched into L2 only (see <see cref="PrefetchTile"/>).</summary>
    private const int PrefetchL2MinKc = 256;

    /// <summary>
    /// Asks for the C rows a tile will update while its k loop runs, so they are near when the loop
    /// ends. Otherwise each tile ends waiting on up to 24 lines from L3 or memory at once: pixelcnn's
    /// 784×256×64 tt (32 batches, C = 0.8 MB each, K = 64 so a tile's loop is short) measured 1.24×
    /// with it. Into L1 where β ≠ 0 and C's rows are not a multiple of 4 KiB apart. Into L2 only
    /// (<paramref name="toL2"/>) where the k loop is long (kc ≥ <see cref="PrefetchL2MinKc"/>) and
    /// either β = 0 (C is only written: 96×784×32 tn was ~8% slower with its C fetched into L1 ahead of
    /// the stores) or C's rows are a multiple of 4 KiB apart (the tile's 24 lines then fall into two sets
    /// of the 12-way L1 and evict each other and the kernel's operands: dcgan's 128×1024×49 nt, ldc =
    /// 1024, was 5–10% slower fetched into L1). At 1024³ the L2 prefetch measured 381 against 374
    /// GFLOP/s on two cores, and 190 against 183 for one core's 512 rows with β = 1 (bench/RESULTS.md).
    /// Never for a C that fits in L2 (the per-tap GEMMs, C ≤ 16 KiB, were up to 3% slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, nint ci, int mr, bool toL2)
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < mr; r++)
        {
            if (toL2)
            {
                Sse.Prefetch1(c + r * ci);
                Sse.Prefetch1(c + r * ci + 31);
            }
            else
            {
                Sse.Prefetch0(c + r * ci);
                Sse.Prefetch0(c + r * ci + 31);
            }
        }
    }

    /// <summary>
    /// One GEMM as strided views: A(i,k) = A[i·Ai + k·Ak], B(k,j) = B[k·Bk + j·Bj],
    /// C(i,j) = C[i·Ci + j·Cj]; C = Alpha·A·B + Beta·C. Sub-blocks for threads are views too.
    /// </summary>
    internal struct View
    {
        public float* A, B, C;
        public nint Ai, Ak, Bk, Bj, Ci, Cj;
        public int M, N, K;
        public float Alpha, Beta;
    }

    /// <summary>Per-thread packing memory, allocated once per thread and freed when the thread dies.</summary>
    private sealed class Scratch
    {
        public readonly float* A = Alloc(Mr * KcMax);
        public readonly float* B = Alloc(BPanelFloats);
        public readonly float* BEdge = Alloc(Nr * KcMax);
        public readonly float* Tile = Alloc(Mr * Nr);
        public readonly float* Column = Alloc(KcMax);
        private float* aPanel;
        private long aPanelFloats;

        /// <summary>A buffer of at least <paramref name="floats"/> for a whole K block of packed A (grown on demand, kept).</summary>
        public float* APanel(long floats)
        {
            if (floats > aPanelFloats)
            {
                NativeMemory.AlignedFree(aPanel);
                aPanel = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
                aPanelFloats = floats;
            }
            return aPanel;
        }

        [ThreadStatic] private static Scratch? current;

        public static Scratch Current => current ??= new Scratch();

        private static float* Alloc(int floats) => (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);

        ~Scratch()
        {
            NativeMemory.AlignedFree(A);
            NativeMemory.AlignedFree(B);
            NativeMemory.AlignedFree(BEdge);
            NativeMemory.AlignedFree(Tile);
            NativeMemory.AlignedFree(Column);
            NativeMemory.AlignedFree(aPanel);
        }
    }

    /// <summary>
    /// Rows of the next A sliver with <paramref name="rem"/> rows left: 12, but 13–16 rows go as 8 + 8
    /// (16 FMA chains each) rather than 12 + a 4-row tile (8 chains, latency-bound), so 64 rows, the
    /// output channels of the direct convolution's per-tap weight-gradient GEMMs, run as 4·12 + 2·8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SliverRows(int rem) => rem > 16 || (rem > 8 && rem <= 12) ? Mr : rem > 4 ? 8 : 4;

    /// <summary>Whether the kernels read A's full slivers in place (row-major A, N ≤ <see cref="DirectAMaxN"/>).</summary>
    private static bool ReadsAInPlace(in View v) => v.Ak == 1 && v.N <= DirectAMaxN;

    /// <summary>
    /// The K and N blocking of a view: K blocks of equal depth ≤ <see cref="KcMax"/> (or
    /// <see cref="KcMaxAliasedB"/>), and N panels of whole slivers within <see cref="BPanelBudget"/>
    /// (all of N at once when B is read in place).
    /// </summary>
    private static void Blocking(in View v, bool directB, out int kcStep, out int ncStep)
    {
        int kcMax = directB && v.Bk % 512 == 0 ? KcMaxAliasedB : KcMax;
        int kBlocks = (v.K + kcMax - 1) / kcMax;
        kcStep = (v.K + kBlocks - 1) / kBlocks;
        int ncMax = directB ? v.N : Math.Max(Nr, BPanelBudget / kcStep / Nr * Nr);
        int nBlocks = (v.N + ncMax - 1) / ncMax;
        ncStep = directB ? v.N : ((v.N + nBlocks - 1) / nBlocks + Nr - 1) / Nr * Nr;
    }

    /// <summary>
    /// One view on this thread, or this thread's part of a view whose rows two threads share
    /// (<paramref name="share"/>, <see cref="RunShared"/>, this thread being <paramref name="part"/>):
    /// then the rows of every panel come in chunks, claimed from this part's range of them and then
    /// from the back of the others', and an A that is not read in place is packed once per K block into
    /// the share's buffer, each chunk by the first core to claim it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlocked(in View v, RowShare* share = null, int part = 0)
    {
        Scratch s = Scratch.Current;
        bool directB = v.Bj == 1 && v.M <= DirectBMaxM;
        bool directA = ReadsAInPlace(v);
        Blocking(v, directB, out int kcStep, out int ncStep);
        bool wide = UseVector512;

        // With more than one panel of B, A's K block is packed once (its slivers side by side) and
        // read again for every panel, rather than re-packed per panel: K outermost, then the panels.
        // Shared rows pack A into the share's buffer instead, chunk by chunk (PackSharedChunk).
        bool packOnce = PackAOnce && ncStep < v.N && !directA && share == null;
        float* aBlock = packOnce ? s.APanel((long)(v.M + Mr) * kcStep) : share != null && !directA ? share->PackedA : null;
        int kBlock = 0;

        int panel = 0;
        for (int pc = 0; pc < v.K; pc += kcStep, kBlock++)
        {
            int kc = Math.Min(kcStep, v.K - pc);
            for (int jc = 0; jc < v.N; jc += ncStep, panel++)
            {
                if (share != null && share->Exhausted(panel)) continue;
                int nc = Math.Min(ncStep, v.N - jc);
                float* bBlock = v.B + pc * v.Bk + jc * v.Bj;
                int nFull = nc / Nr * Nr;
                // Row-major B whose first A sliver is a full 12-row one: that sliver's kernels pack the
                // full B slivers as they read them; only a ragged last sliver is packed here. (Every
                // chunk of shared rows starts with a full sliver: see RowShare.)
                bool packInKernel = PackBInKernel && !directB && wide && v.Bj == 1 && v.M >= Mr && SliverRows(v.M) == Mr;
                if (packInKernel)
                {
                    if (nFull < nc) PackB(bBlock + nFull, v.Bk, 1, kc, nc - nFull, s.B + (nint)nFull * kc);
                }
                else if (!directB)
                    PackB(bBlock, v.Bk, v.Bj, kc, nc, s.B);
                else if (nFull < nc)
                    PackB(bBlock + nFull, v.Bk, 1, kc, nc - nFull, s.BEdge);
                // An edge of ≤ 17 columns goes to the 16-wide kernels of the 12- and 8-row slivers, a 17th column
                // gathered contiguous for its dot products.
                bool halfEdge = wide && HalfEdgeKernel && nc - nFull is > 0 and <= HalfEdgeMaxCols;
                if (halfEdge && nc - nFull > Nr / 2) GatherColumn(bBlock + (nFull + Nr / 2) * v.Bj, v.Bk, kc, s.Column);
                float beta = pc == 0 ? v.Beta : 1f;
                bool fetchL2 = beta == 0f || v.Ci % 1024 == 0;
                bool fetchC = PrefetchC && v.Cj == 1 && (long)v.M * v.N >= PrefetchCMinFloats && (!fetchL2 || kc >= PrefetchL2MinKc);

                for (int chunk = share == null ? 0 : share->Claim(panel, part); chunk >= 0;
                     chunk = share == null ? -1 : share->Claim(panel, part))
                {
                    int i = 0, end = v.M;
                    if (share != null)
                    {
                        share->Begin(panel, chunk, v.M, out i, out end);
                        if (!directA) PackSharedChunk(v, share, kBlock, chunk, pc, kc, i, end, aBlock);
                    }
                    while (i < end)
                    {
                        int rem = end - i;
                        int mrs = SliverRows(rem);
                        int mr = Math.Min(mrs, rem);
                        float* aSrc = v.A + i * v.Ai + pc * v.Ak;
                        float* ap = aBlock != null ? aBlock + (long)i * kc : s.A;
                        nint rs = 1, ks = mrs;
                        if (directA && mr == mrs) { ap = aSrc; rs = v.Ai; ks = 1; }
                        else if (aBlock == null || (packOnce && jc == 0)) PackA(aSrc, v.Ai, v.Ak, mr, mrs, kc, ap);

                        float* cRow = v.C + i * v.Ci + jc * v.Cj;
                        for (int j = 0; j < nc; j += Nr)
                        {
                            int nr = Math.Min(Nr, nc - j);
                            float* bp; nint bs;
                            if (!directB) { bp = s.B + (nint)j * kc; bs = Nr; }
                            else if (nr == Nr) { bp = bBlock + j; bs = v.Bk; }
                            else { bp = s.BEdge; bs = Nr; }
                            float* cp = cRow + j * v.Cj;
                            if (fetchC) PrefetchTile(cp, v.Ci, mr, fetchL2);
                            if (packInKernel && nr == Nr) Kernel12x32PackB(kc, ap, rs, ks, bBlock + j, v.Bk, bp, cp, v.Ci, v.Cj, mr, nr, v.Alpha, beta, s.Tile);
                            else if (halfEdge && nr < Nr && mrs == Mr) Kernel16<TwelveRows>(kc, ap, rs, ks, bp, bs, s.Column, cp, v.Ci, v.Cj, mr, nr, v.Alpha, beta, s.Tile);
                            else if (halfEdge && nr < Nr && mrs == 8) Kernel16<EightRows>(kc, ap, rs, ks, bp, bs, s.Column, cp, v.Ci, v.Cj, mr, nr, v.Alpha, beta, s.Tile);
                            else if (!wide) Kernel256(kc, ap, rs, ks, bp, bs, cp, v.Ci, v.Cj, mr, mrs, nr, v.Alpha, beta, s.Tile);
                            else if (mrs == Mr) Kernel12x32(kc, ap, rs, ks, bp, bs, cp, v.Ci, v.Cj, mr, nr, v.Alpha, beta, s.Tile);
                            else if (mrs == 8) Kernel8x32(kc, ap, rs, ks, bp, bs, cp, v.Ci, v.Cj, mr, nr, v.Alpha, beta, s.Tile);
                            else Kernel4x32(kc, ap, rs, ks, bp, bs, cp, v.Ci, v.Cj, mr, nr, v.Alpha, beta, s.Tile);
                        }
                        packInKernel = false; // the panel's full B slivers are packed now
                        i += mr;
                    }
                    if (share != null) share->Finish(panel, chunk);
                }
            }
        }
    }
}
