using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// Row-major batched SGEMM for the CPU backend, C_b = α·op(A_b)·op(B_b) + β·C_b (see <see cref="GemmArgs"/>).
/// This file is the dispatch: describe the operands as strided views (the transpose flags become
/// strides), pick a path (blocked micro-kernels, or the dot-product path for N ≤ 8), and split the
/// work between the two cores when it is large enough to pay for the hand-off (~1 µs).
/// The pieces: CpuGemmBlocked (loop nest), CpuGemmPack, CpuGemmKernel512/256 (register tiles),
/// CpuGemmNarrow (thin N); the second core comes from CpuWorkers.
/// </summary>
internal static unsafe partial class CpuGemm
{
    /// <summary>
    /// Below this many flops the GEMM stays on the calling core (settable by benchmarks). A hand-off to
    /// a spinning worker costs ~1 µs, and when the other core is busy with other work the caller simply
    /// runs both halves itself (CpuWorkers hands out chunks dynamically), so the threshold only has to
    /// cover the hand-off and the second packing of the shared operand: 256 KFLOP is ~2–4 µs on one core.
    /// </summary>
    internal static double ParallelMinFlops = 256_000;

    /// <summary>AVX-512 micro-kernels where 512-bit vectors are fast; settable so tests can cover the fallback.</summary>
    internal static bool UseVector512 { get; set; } = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;

    /// <summary>A view and how many batches of it to run, with the batch strides in elements.</summary>
    private struct Job
    {
        public View V;
        public int Count;
        public long StrideA, StrideB, StrideC;
    }

    /// <summary>Like <see cref="Sgemm"/>, but entirely on the calling thread (for kernels that split their own work between cores).</summary>
    public static void SgemmSerial(in GemmArgs g, float* a, float* b, float* c)
    {
        if (g.M < 0 || g.N < 0 || g.K < 0 || g.Batch < 0)
            throw new ArgumentOutOfRangeException(nameof(g), $"GEMM sizes must be non-negative, got M={g.M} N={g.N} K={g.K} batch={g.Batch}");
        if (g.M == 0 || g.N == 0 || g.Batch == 0) return;
        RunJob(new Job { V = ViewOf(g, a, b, c), Count = g.Batch, StrideA = g.StrideA, StrideB = g.StrideB, StrideC = g.StrideC });
    }

    private static View ViewOf(in GemmArgs g, float* a, float* b, float* c) => new()
    {
        A = a + g.OffsetA, Ai = g.TransA ? 1 : g.Lda, Ak = g.TransA ? g.Lda : 1,
        B = b + g.OffsetB, Bk = g.TransB ? 1 : g.Ldb, Bj = g.TransB ? g.Ldb : 1,
        C = c + g.OffsetC, Ci = g.Ldc, Cj = 1,
        M = g.M, N = g.N, K = g.K, Alpha = g.Alpha, Beta = g.Beta,
    };

    public static void Sgemm(in GemmArgs g, float* a, float* b, float* c)
    {
        if (g.M < 0 || g.N < 0 || g.K < 0 || g.Batch < 0)
            throw new ArgumentOutOfRangeException(nameof(g), $"GEMM sizes must be non-negative, got M={g.M} N={g.N} K={g.K} batch={g.Batch}");
        if (g.M == 0 || g.N == 0 || g.Batch == 0) return;

        var v = ViewOf(g, a, b, c);
        var job = new Job { V = v, Count = g.Batch, StrideA = g.StrideA, StrideB = g.StrideB, StrideC = g.StrideC };

        if (g.Flops < ParallelMinFlops || CpuWorkers.Count == 0)
        {
            RunJob(job);
            return;
        }

        if (g.Batch >= 2)
        {
            // Whole batches per core (no shared packing, no synchronisation inside a batch), handed out
            // a few at a time, the caller's from the first and the worker's from the last: a core that
            // the host slows down takes fewer.
            var batches = new Batches { Job = job, Parts = Math.Min(g.Batch, MaxBatchParts) };
            CpuWorkers.Run(&RunBatches, &batches, batches.Parts);
            return;
        }

        if (SharesRows(v, out View oriented))
        {
            RunShared(oriented);
            return;
        }

        if (Split(v, out View first, out View second)) RunPair(new Job { V = first, Count = 1 }, new Job { V = second, Count = 1 });
        else RunJob(job);
    }

    /// <summary>Most parts a batched GEMM is handed out in (each a run of consecutive batches).</summary>
    private const int MaxBatchParts = 256;

    private struct Batches
    {
        public Job Job;
        public int Parts;
    }

    /// <summary>Part <paramref name="part"/> of a batched GEMM: batches [part·B/parts, (part + 1)·B/parts).</summary>
    private static void RunBatches(void* context, int part)
    {
        var b = (Batches*)context;
        Job job = b->Job;
        int first = (int)((long)part * job.Count / b->Parts), end = (int)((long)(part + 1) * job.Count / b->Parts);
        job.V.A += first * job.StrideA; job.V.B += first * job.StrideB; job.V.C += first * job.StrideC;
        job.Count = end - first;
        RunJob(job);
    }

    /// <summary>Runs two independent jobs on this thread and a <see cref="CpuWorkers"/> thread (or both here, if that one is late).</summary>
    private static void RunPair(in Job first, in Job second)
    {
        Job* pair = stackalloc Job[2];
        pair[0] = first;
        pair[1] = second;
        CpuWorkers.Run(&RunPart, pair, 2);
    }

    private static void RunPart(void* jobs, int i) => RunJob(((Job*)jobs)[i]);

    /// <summary>
    /// Cuts one GEMM into two independent halves along M or N; each half packs its own operands, so
    /// the cores never wait on each other. M is preferred (splitting N re-packs A on both cores): the
    /// blocked path cuts it at a multiple of 4 rows near M/2 (its 4-row tile finishes any row count,
    /// so the halves are equal even when M/2 is not a multiple of 12), the thin-N path at its row
    /// block (64 rows along i for column-major A, 4 rows of dot products otherwise). N is cut in
    /// whole 32-column slivers, only when M is too short to halve or cutting N packs less, and at a
    /// multiple of 4 near N/2 when both halves are then solved transposed (their N becomes their M):
    /// 128×784×512 nt was cut 416 + 368, one core finishing ~6% after the other.
    /// </summary>
    private static bool Split(in View v, out View first, out View second)
    {
        first = second = v;
        int rowStep = !IsNarrow(v) ? 4 : v.Ak == 1 ? 4 : 64;
        int nSlivers = (v.N + Nr - 1) / Nr;
        if (v.M >= 2 * rowStep && (v.M >= 2 * Mr || nSlivers < 2) && !PacksLessSplitByN(v, nSlivers))
        {
            int m0 = Math.Min(v.M, (v.M / 2 + rowStep / 2) / rowStep * rowStep);
            first.M = m0;
            second.M = v.M - m0;
            second.A += m0 * v.Ai;
            second.C += m0 * v.Ci;
            return m0 > 0 && second.M > 0;
        }
        if (nSlivers >= 2)
        {
            int n0 = Math.Min(v.N, (nSlivers + 1) / 2 * Nr);
            // Halves that are solved transposed (each half's N becomes its M) are cut like an M cut.
            var even = v with { N = (v.N / 2 + 2) / 4 * 4 };
            if (SwapsToPackLess(even) && SwapsToPackLess(even with { N = v.N - even.N })) n0 = even.N;
            first.N = n0;
            second.N = v.N - n0;
            second.B += n0 * v.Bj;
            second.C += n0 * v.Cj;
            return second.N > 0;
        }
        return false;
    }

    /// <summary>
    /// Whether cutting N packs less than cutting M: each half of an M cut packs all of B (K·N floats) when
    /// B cannot be read in place (a transposed B, as in a Linear layer's forward x·wᵀ), while each half
    /// of an N cut packs its half of B and all of A (M·K). With M &lt; N the N cut copies less: for
    /// the 128-row batches of realnvp_mlp_step it halves the transposed packing of the 784×512 weights.
    /// </summary>
    private static bool PacksLessSplitByN(in View v, int nSlivers) =>
        SplitByNForPackedB && !IsNarrow(v) && nSlivers >= 8 && v.M < v.N && v.Bj != 1;

    /// <summary>Tunable (settable by benchmarks): whether <see cref="PacksLessSplitByN"/> may choose an N cut.</summary>
    internal static bool SplitByNForPackedB = true;

    /// <summary>
    /// Solves Cᵀ = op(B)ᵀ·op(A)ᵀ instead when N is ragged and M is not: the micro-kernel computes 32
    /// columns at a time, so N = 34 would pay for 64, while 34 rows cost only 36 (three 12-row slivers).
    /// The views just swap roles and strides; C is then written transposed. Except for nn: there
    /// the swap turns the row-major A into a B packed with transposes (K·M floats), where keeping the
    /// orientation packs only the ragged last sliver of B, a masked copy. So for nn the two are compared
    /// by their padded work per useful element (<see cref="PaddedWork"/>) plus, for the swap, that
    /// packing and the transposed store (<see cref="TransposedPackColumns"/> per useful column): dcgan's
    /// 128×49×1024 nn, kept 64/49 = 1.31 against swapped 52/49 + 20/49 = 1.47, measured 1.13× faster
    /// kept. With B transposed the swap stays (128×20×512 nt: kept was 1.38× slower, its ragged
    /// transposed B sliver packed element by element). The thin-N path is left alone.
    /// </summary>
    private static View Oriented(in View v)
    {
        if (SwapsToPackLess(v)) return Swapped(v);
        if (v.N <= NarrowMaxN || v.N % Nr == 0 || v.M <= NarrowMaxN) return v;
        double nUse = (double)v.N / PaddedCols(v.N), mUse = (double)v.M / ((v.M + 3) / 4 * 4);
        if (nUse >= 0.8 || mUse <= nUse) return v;
        if (v.Ai != 1 && v.Bj == 1 && PaddedWork(v.N, v.M) + TransposedPackColumns / v.N >= PaddedWork(v.M, v.N)) return v;
        return Swapped(v);
    }

    /// <summary>
    /// The cost of a row-major A packed with transposes as the swapped problem's B, per float, in columns
    /// of register-tile work (see <see cref="Oriented"/>): 0.4–0.5 cycles a float against 32 FMA lanes a
    /// cycle is 13–16, and the transposed store of C adds the rest; 20 is what dcgan's 128×49×1024 nn measured.
    /// </summary>
    private const double TransposedPackColumns = 20;

    /// <summary>Register-tile work per useful element of an m × n problem: rows in slivers (<see cref="SliverRows"/>), columns in 32s.</summary>
    private static double PaddedWork(int m, int n)
    {
        int rows = 0;
        for (int rem = m; rem > 0;)
        {
            int s = SliverRows(rem);
            rows += s;
            rem -= Math.Min(s, rem);
        }
        return (double)rows / m * PaddedCols(n) / n;
    }

    private static int PaddedCols(int n) => (n + Nr - 1) / Nr * Nr;

    /// <summary>
    /// Whether a transposed B (the forward x·wᵀ of a Linear layer, and the tt shapes) is better solved as
    /// Cᵀ = op(B)ᵀ·op(A)ᵀ: with M &lt; N the transposed operand to pack shrinks from K·N to K·M floats,
    /// and B's rows become the rows of the new A, read in place (new N = M ≤ <see cref="SwapMaxM"/>);
    /// a tt problem becomes nn. C is then written transposed, by 8×8 transposes of the full tiles
    /// (<see cref="StoreTileTransposed"/>). A tt problem is swapped with M ≥ N too when K ≥ M: nothing
    /// is then packed with transposes at all (pixelcnn's 256×64×784 tt: 1.2× on one core, 1.1× on
    /// two), while with K &lt; M the transposed store of C costs more than B's packing saves
    /// (784×256×64 tt). Left alone: K &lt; 64, where that store is a larger part of the work, and an M
    /// that would leave the new 32-wide slivers more ragged than N does.
    /// </summary>
    private static bool SwapsToPackLess(in View v)
    {
        if (!SwapTransposedB || !UseVector512 || v.Bj == 1 || v.Cj != 1 || v.K < 64 || v.M <= NarrowMaxN) return false;
        bool tt = v.Ai == 1 && v.Ak != 1;
        if (tt ? v.M >= v.N && v.K < v.M : v.M >= v.N || v.M > SwapMaxM) return false;
        double mUse = (double)v.M / PaddedCols(v.M), nUse = (double)v.N / PaddedCols(v.N);
        return mUse >= 0.8 || mUse >= nUse;
    }

    /// <summary>
    /// The largest M swapped (not tt): the swap was measured with the new A read in place up to N = 512,
    /// before <see cref="DirectAMaxN"/> became 1024.
    /// </summary>
    private const int SwapMaxM = 512;

    /// <summary>Tunable (settable by benchmarks and tests): whether <see cref="SwapsToPackLess"/> may swap a transposed-B problem.</summary>
    internal static bool SwapTransposedB = true;

    private static View Swapped(in View v) => v with
    {
        A = v.B, Ai = v.Bj, Ak = v.Bk,
        B = v.A, Bk = v.Ak, Bj = v.Ai,
        Ci = v.Cj, Cj = v.Ci,
        M = v.N, N = v.M,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunJob(in Job job)
    {
        View v = job.V;
        for (int i = 0; i < job.Count; i++)
        {
            if (v.K == 0 || v.Alpha == 0f) ScaleC(v);
            else if (IsNarrow(v)) RunNarrow(v);
            else RunBlocked(Oriented(v));
            v.A += job.StrideA; v.B += job.StrideB; v.C += job.StrideC;
        }
    }

    /// <summary>C = β·C without touching A or B (K == 0 or α == 0, as in BLAS); β == 0 writes zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleC(in View v)
    {
        for (int i = 0; i < v.M; i++)
        {
            float* row = v.C + i * v.Ci;
            for (int j = 0; j < v.N; j++)
                row[j * v.Cj] = v.Beta == 0f ? 0f : v.Beta * row[j * v.Cj];
        }
    }
}
