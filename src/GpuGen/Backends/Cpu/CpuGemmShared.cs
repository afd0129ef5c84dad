using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// One large GEMM on both cores without a fixed split: each core packs its own copy of every B panel
/// and claims the panel's rows in chunks, first from the front of its own equal range of them (the
/// rows a fixed split would give it), then, once that range is empty, from the back of the other's
/// range; so a core that the host slows down simply ends up with fewer chunks. With a fixed half each,
/// the GEMM took as long as the slower core: on this shared machine one core ran 1024³'s half at 163
/// GFLOP/s while the other ran it at 205 (an FMA loop ran at the same speed on both), and which core
/// was slow changed from minute to minute. With another process busy on one core, 1024³ ran at 270
/// GFLOP/s shared against 191 in fixed halves (bench/RESULTS.md, issue 25).
/// </summary>
internal static unsafe partial class CpuGemm
{
    /// <summary>Tunable (settable by benchmarks and tests): whether <see cref="SharesRows"/> may share a GEMM's rows.</summary>
    internal static bool ShareRows = true;

    /// <summary>
    /// Tunable (settable by tests): the fewest flops a GEMM shares its rows at. The families' GEMMs
    /// (≤ 0.1 GFLOP) measured 1.6–7.7% slower shared than split in halves (512×512×128 tn: 364 against
    /// 394 GFLOP/s), while at 1024³ (2.1 GFLOP) the shared rows keep both cores busy to the end.
    /// </summary>
    internal static double ShareMinFlops = 500e6;

    /// <summary>
    /// Rows per chunk: 4 slivers. At 1024³ a chunk of one panel (48 rows × 96 columns × 1024 deep) is
    /// ~45 µs of one core's work, which bounds the wait at the end (and at a K block of a deeper GEMM a
    /// core may wait for the other to finish the same chunk of the block before). Chunks of 96 and 144
    /// rows measured the same at 1024³ (405.6 and 405.6 against 401.8 GFLOP/s, within the noise).
    /// </summary>
    private const int ShareChunkRows = 4 * Mr;

    /// <summary>
    /// Whether a single GEMM runs with shared rows, and as which view (<see cref="Oriented"/>): a large
    /// one (<see cref="ShareMinFlops"/>) for the blocked kernels with enough rows for several chunks
    /// each, more than <see cref="DirectBMaxM"/> (so every core packs its B panels). Others keep the
    /// fixed split (<see cref="Split"/>).
    /// </summary>
    private static bool SharesRows(in View v, out View oriented)
    {
        oriented = v;
        if (!ShareRows || CpuWorkers.Count == 0 || 2.0 * v.M * v.N * v.K < ShareMinFlops || v.K == 0 || v.Alpha == 0f || IsNarrow(v)) return false;
        oriented = Oriented(v);
        return oriented.M > Math.Max(DirectBMaxM, 4 * ShareChunkRows);
    }

    /// <summary>Whether <see cref="Sgemm"/> runs <paramref name="g"/> (batch 1, on two cores) with shared rows; for tests.</summary>
    internal static bool RunsWithSharedRows(in GemmArgs g) =>
        g.Batch == 1 && g.Flops >= ParallelMinFlops && SharesRows(ViewOf(g, null, null, null), out _);

    /// <summary>Runs <paramref name="v"/> (already oriented) on this thread and the worker, rows shared.</summary>
    private static void RunShared(in View v)
    {
        Blocking(v, directB: false, out int kcStep, out int ncStep);
        int kBlocks = (v.K + kcStep - 1) / kcStep, panelsPerK = (v.N + ncStep - 1) / ncStep;
        // A's K block packed in this thread's buffer (it waits here until both parts are done), unless read in place.
        float* a = ReadsAInPlace(v) ? null : Scratch.Current.APanel((long)(v.M + Mr) * kcStep);
        int parts = CpuWorkers.Count + 1;
        var share = new RowShare(kBlocks, panelsPerK, v.M / ShareChunkRows, parts, a);
        try
        {
            var context = new SharedContext { V = v, Share = &share };
            CpuWorkers.Run(&RunSharedPart, &context, parts);
        }
        finally
        {
            share.Free();
        }
    }

    /// <summary>
    /// Makes sure rows [<paramref name="first"/>, <paramref name="end"/>) of A (one chunk) are packed for
    /// the K block at depth <paramref name="pc"/>: the first core to claim the chunk in this block packs
    /// it (once its tiles of the block before are written), a core that comes later waits for that.
    /// </summary>
    private static void PackSharedChunk(in View v, RowShare* share, int kBlock, int chunk, int pc, int kc, int first, int end, float* aBlock)
    {
        if (!share->ClaimPacking(kBlock, chunk))
        {
            share->AwaitPacked(kBlock, chunk);
            return;
        }
        share->AwaitBlockDone(kBlock, chunk);
        for (int r = first; r < end;)
        {
            int mrs = SliverRows(end - r), mr = Math.Min(mrs, end - r);
            PackA(v.A + r * v.Ai + pc * v.Ak, v.Ai, v.Ak, mr, mrs, kc, aBlock + (long)r * kc);
            r += mr;
        }
        share->Packed(kBlock, chunk);
    }

    private struct SharedContext
    {
        public View V;
        public RowShare* Share;
    }

    private static void RunSharedPart(void* context, int part)
    {
        var c = (SharedContext*)context;
        RunBlocked(c->V, c->Share, part);
    }

    /// <summary>
    /// The chunk queues of one shared GEMM. Per panel (K block × N panel, in loop order) and part one
    /// word in a cache line of its own, [front:32 | back:32] of the part's range of chunks, claimed by
    /// compare-and-swap: the owner takes its front and the others its back, so until a part's range is
    /// empty its claims touch no line the other core writes. (With one queue per panel that both cores
    /// claimed from, the caller from the front and the worker from the back, every claim moved the line
    /// between the cores, and with more than two cores every worker would claim from the same back end.
    /// On this 2-core machine the two measured the same: 1024³ 394.7 and 397.7 GFLOP/s against 390.3
    /// and 397.4 with one queue, in process, interleaved; with one core slowed by the host, 336 and 341
    /// against 339 and 338.) Per panel and chunk a flag is set once its C tile is written. Chunk c
    /// covers rows [c·48, c·48 + 48), and the last chunk also the rest (48–95 rows), so every chunk
    /// starts with a full 12-row sliver (which packs B where B is packed in the kernels).
    /// A chunk of a later K block adds to the C tile of the block before, so it first waits for that
    /// tile's flag; the core holding it is computing it, and holds nothing else, so the wait ends.
    /// A chunk's rows of A are packed once per K block, by the first core to claim the chunk in that
    /// block (state per K block and chunk: 0 not packed, 1 packing, 2 packed); a core that claims the
    /// chunk while the other packs it waits for the packing. Every K block packs into the same buffer
    /// (as the fixed halves do: 1024³ ran at 385 GFLOP/s so, against 377 with one buffer per K block),
    /// so a chunk is packed for block k only once all its tiles of block k − 1 are written: then no
    /// core reads its old rows any more.
    /// </summary>
    private struct RowShare
    {
        /// <summary>Longs between two queues: 64 bytes, so each part's queue has a cache line of its own.</summary>
        private const int QueueStride = 8;

        private readonly long* queues;
        private readonly int* done, aState;
        private readonly float* a;
        private readonly int panelsPerK, chunks, parts;

        public RowShare(int kBlocks, int panelsPerK, int chunks, int parts, float* a)
        {
            int panels = kBlocks * panelsPerK;
            this.panelsPerK = panelsPerK;
            this.chunks = chunks;
            this.parts = parts;
            this.a = a;
            queues = (long*)NativeMemory.AlignedAlloc((nuint)panels * (nuint)parts * QueueStride * sizeof(long), 64);
            done = (int*)NativeMemory.AllocZeroed((nuint)panels * (nuint)chunks, sizeof(int));
            aState = (int*)NativeMemory.AllocZeroed((nuint)kBlocks * (nuint)chunks, sizeof(int));
            for (int p = 0; p < panels; p++)
                for (int q = 0; q < parts; q++)
                    Queue(p, q) = (long)chunks * q / parts << 32 | (uint)((long)chunks * (q + 1) / parts);
        }

        private readonly ref long Queue(int panel, int part) => ref queues[((long)panel * parts + part) * QueueStride];

        public readonly void Free()
        {
            NativeMemory.AlignedFree(queues);
            NativeMemory.Free(done);
            NativeMemory.Free(aState);
        }

        /// <summary>The packed A of the current K block: row i's sliver at i·kc.</summary>
        public readonly float* PackedA => a;

        /// <summary>Whether this core packs <paramref name="chunk"/>'s rows of A for the K block (then it calls <see cref="Packed"/>).</summary>
        public readonly bool ClaimPacking(int kBlock, int chunk)
        {
            int* state = aState + (long)kBlock * chunks + chunk;
            return Volatile.Read(ref *state) == 0 && Interlocked.CompareExchange(ref *state, 1, 0) == 0;
        }

        /// <summary>Returns once every tile of <paramref name="chunk"/> in the K block before <paramref name="kBlock"/> is written.</summary>
        public readonly void AwaitBlockDone(int kBlock, int chunk)
        {
            if (kBlock == 0) return;
            for (int j = 0; j < panelsPerK; j++)
            {
                int* flag = done + ((long)(kBlock - 1) * panelsPerK + j) * chunks + chunk;
                var spin = new SpinWait();
                while (Volatile.Read(ref *flag) == 0) spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        public readonly void Packed(int kBlock, int chunk) => Volatile.Write(ref aState[(long)kBlock * chunks + chunk], 2);

        /// <summary>Returns once <paramref name="chunk"/>'s rows of A are packed for the K block.</summary>
        public readonly void AwaitPacked(int kBlock, int chunk)
        {
            int* state = aState + (long)kBlock * chunks + chunk;
            var spin = new SpinWait();
            while (Volatile.Read(ref *state) != 2) spin.SpinOnce(sleep1Threshold: -1);
        }

        /// <summary>Whether every chunk of <paramref name="panel"/> is taken (its B panel need not be packed).</summary>
        public readonly bool Exhausted(int panel)
        {
            for (int q = 0; q < parts; q++)
            {
                long word = Volatile.Read(ref Queue(panel, q));
                if ((int)(word >> 32) < (int)word) return false;
            }
            return true;
        }

        /// <summary>
        /// The next chunk of <paramref name="panel"/> for <paramref name="part"/>: the front of its own
        /// range, or once that is empty the back of another part's range; −1 when every chunk is taken.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int Claim(int panel, int part)
        {
            int own = Take(ref Queue(panel, part), fromBack: false);
            if (own >= 0) return own;
            for (int q = 1; q < parts; q++)
            {
                int stolen = Take(ref Queue(panel, (part + q) % parts), fromBack: true);
                if (stolen >= 0) return stolen;
            }
            return -1;
        }

        private static int Take(ref long queue, bool fromBack)
        {
            while (true)
            {
                long q = Volatile.Read(ref queue);
                int front = (int)(q >> 32), back = (int)q;
                if (front >= back) return -1;
                long next = fromBack ? q - 1 : q + (1L << 32);
                if (Interlocked.CompareExchange(ref queue, next, q) == q) return fromBack ? back - 1 : front;
            }
        }

        /// <summary>The rows of <paramref name="chunk"/>, once the same tile of the K block before is written.</summary>
        public readonly void Begin(int panel, int chunk, int m, out int first, out int end)
        {
            first = chunk * ShareChunkRows;
            end = chunk == chunks - 1 ? m : first + ShareChunkRows;
            if (panel < panelsPerK) return;
            int* before = done + (long)(panel - panelsPerK) * chunks + chunk;
            var spin = new SpinWait();
            while (Volatile.Read(ref *before) == 0) spin.SpinOnce(sleep1Threshold: -1);
        }

        public readonly void Finish(int panel, int chunk) => Volatile.Write(ref done[(long)panel * chunks + chunk], 1);
    }
}
