using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The other cores: one long-lived thread per extra core, shared by every CPU kernel (GEMM and the
/// element-wise kernels of <see cref="CpuParallel"/>), so two threading mechanisms never compete for
/// the same cores and no thread-pool thread is involved.
/// </summary>
/// <remarks>
/// A launch is a body (a static function pointer, no delegate) over chunks [0, chunks) with a context
/// pointer to the caller's stack. The caller claims chunks from the front, the workers from the back,
/// so with two cores each side usually runs one contiguous half (the same half kernel after kernel,
/// which keeps a tensor's rows on one core's cache), yet whoever finishes first takes what is left:
/// a worker that the OS has descheduled (the machine is shared) delays nothing but its own chunk.
/// All claim state sits in one 64-bit word, [ticket:32 | front:16 | back:16], changed only by CAS, so
/// a worker that wakes late can never run a chunk of a launch other than the one it validated.
/// Between launches the workers spin for a while (a training step issues kernels back to back, and
/// waking a sleeping thread costs tens of microseconds), then sleep on a monitor. While the machine
/// is oversubscribed (a worker keeps being preempted mid-chunk) launches run on the caller alone for
/// a while; see <see cref="NoteWait"/>. Other work of the process can borrow a core for a moment
/// (<see cref="LendCore"/>: the viewer drawing a frame), and a worker sits launches out meanwhile.
/// </remarks>
internal static unsafe class CpuWorkers
{
    /// <summary>Largest number of chunks one launch may have (16 bits of the claim word).</summary>
    public const int MaxChunks = 1 << 15;

    /// <summary>Threads besides the caller: one per core the process uses (all, unless <see cref="UseCores"/> said fewer), less the caller's.</summary>
    public static int Count { get; private set; } = Math.Max(0, Environment.ProcessorCount - 1);

    /// <summary>How long an idle worker spins before it sleeps: ~200 µs (host work between steps is shorter).</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5_000;

    private static readonly object SleepLock = new();
    private static readonly Lock StartLock = new();
    private static Thread[]? threads;

    /// <summary>
    /// The words the caller and the workers share, grouped by who writes them, each group on cache
    /// lines of its own (<see cref="LineBytes"/> apart, so the adjacent-line prefetcher does not pair
    /// them either): a write to one group does not take the others' lines from the cores reading them.
    /// As plain statics, packed together, an empty two-chunk launch took 266 ns on the 2-core
    /// development machine; grouped, 207–213 ns.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 5 * LineBytes)]
    private struct SharedWords
    {
        /// <summary>The launch: written by the caller once per launch and read by the workers as they pick it up; chunks are claimed from it.</summary>
        [FieldOffset(LineBytes)] public long State;   // [ticket:32 | front:16 | back:16]
        [FieldOffset(LineBytes + 8)] public delegate*<void*, int, void> Body;
        [FieldOffset(LineBytes + 16)] public void* Context;

        /// <summary>Chunks of the current launch that have finished: counted up by whoever ran them, polled by the caller.</summary>
        [FieldOffset(2 * LineBytes)] public int Completed;

        /// <summary>
        /// Read by every launch and by the workers while they spin; written only when a core is lent or a
        /// worker sleeps. Lent: cores lent to other work of this process (<see cref="LendCore"/>), so
        /// workers 1 … Lent sit launches out.
        /// </summary>
        [FieldOffset(3 * LineBytes)] public int Lent;
        [FieldOffset(3 * LineBytes + 4)] public int Sleepers;

        /// <summary>1 while a caller owns the workers (a concurrent or nested launch runs inline instead): the callers' own.</summary>
        [FieldOffset(4 * LineBytes)] public int Busy;
    }

    /// <summary>Two 64-byte cache lines: the distance between groups of <see cref="SharedWords"/>.</summary>
    private const int LineBytes = 128;

    private static SharedWords words;
    private static Exception? workerError;

    /// <summary>Runs body(context, c) for every chunk c in [0, chunks) on this thread and the workers; returns when all are done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(delegate*<void*, int, void> body, void* context, int chunks)
    {
        if (chunks <= 0) return;
        if (chunks > MaxChunks) throw new ArgumentOutOfRangeException(nameof(chunks), chunks, $"at most {MaxChunks} chunks");
        if (chunks == 1 || Count <= Volatile.Read(ref words.Lent) || Stopwatch.GetTimestamp() < Volatile.Read(ref inlineUntil) ||
            Interlocked.CompareExchange(ref words.Busy, 1, 0) != 0)
        {
            for (int c = 0; c < chunks; c++) body(context, c);
            return;
        }
        if (threads is null) Start();
        words.Body = body;
        words.Context = context;
        Volatile.Write(ref words.Completed, 0);
        uint ticket = Ticket(Volatile.Read(ref words.State)) + 1; // wraps after 2³² launches, harmlessly
        // The full fence of the exchange publishes body and context before the new ticket, and
        // orders the ticket before the read of "sleepers" (the other half of the handshake in Loop).
        Interlocked.Exchange(ref words.State, (long)((ulong)ticket << 32 | (uint)chunks));
        if (Volatile.Read(ref words.Sleepers) != 0)
            lock (SleepLock) Monitor.PulseAll(SleepLock);

        int mine = 0;
        long begin = Stopwatch.GetTimestamp(), mineDone = begin;
        try
        {
            for (int c; (c = Claim(ticket, fromFront: true)) >= 0;)
            {
                mine++;
                body(context, c);
            }
            mineDone = Stopwatch.GetTimestamp();
        }
        finally
        {
            // Even when a chunk threw, wait for the workers: their chunks read this caller's stack.
            Interlocked.Add(ref words.Completed, mine);
            var spin = new SpinWait();
            while (Volatile.Read(ref words.Completed) != chunks) spin.SpinOnce(sleep1Threshold: -1);
            if (mine > 0) NoteWait(Stopwatch.GetTimestamp() - mineDone, (mineDone - begin) / mine);
            var error = Interlocked.Exchange(ref workerError, null);
            Volatile.Write(ref words.Busy, 0);
            if (error is not null) ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>
    /// Lends a core to other work of this process until the loan is disposed: one worker sits out
    /// the launches meanwhile (on two cores, launches run on the caller alone). The viewer draws
    /// its frames on a loan: a thread that takes a core the workers use preempts one of them mid-
    /// chunk and the whole launch waits for that chunk; on a lent core a frame is short (llvmpipe:
    /// 3.5 ms rather than ~26 ms while sampling) and the sampler runs on the cores it keeps.
    /// </summary>
    public static CoreLoan LendCore()
    {
        Interlocked.Increment(ref words.Lent);
        return new CoreLoan();
    }

    /// <summary>A core lent by <see cref="LendCore"/>; disposing returns it (once).</summary>
    public sealed class CoreLoan : IDisposable
    {
        private int returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref returned, 1) == 0) Interlocked.Decrement(ref words.Lent);
        }
    }

    /// <summary>A wait this long for the last worker chunk means the worker was descheduled mid-chunk.</summary>
    private static readonly long StallTicks = Stopwatch.Frequency / 10_000;     // 100 µs
    private static readonly long BaseBackoffTicks = Stopwatch.Frequency / 100;  // 10 ms
    private static readonly long MaxBackoffTicks = Stopwatch.Frequency;         // 1 s
    private static long inlineUntil, backoff;

    /// <summary>Share of recent launches that stalled, in 1/65536, smoothed over about 16 launches.</summary>
    private static int stallRate;

    /// <summary>Back off only while more than this share of recent launches stalled (¼).</summary>
    private const int StallRateLimit = 65536 / 4;

    /// <summary>
    /// Falls back to one thread while the machine is oversubscribed. When another process keeps the
    /// cores busy, the OS preempts a worker for a whole time slice (milliseconds) and a launch whose
    /// chunk it holds waits that long, far more than the launch gains from a second core. So while
    /// more than a quarter of recent launches waited far longer than the caller's own chunks took,
    /// the workers turn off for a while (10 ms, doubling while stalls repeat, up to 1 s); the first
    /// launch after that period that does not stall resets the back-off. On a quiet machine no wait
    /// comes near the threshold. An occasional stall is not oversubscription: a thread of this
    /// process that draws a frame now and then (the viewer on a software renderer) preempts a worker
    /// once a frame, and running on one core for up to a second after each would cost the sampler
    /// a third of its speed instead of the few percent the frame takes.
    /// </summary>
    private static void NoteWait(long waited, long perChunk)
    {
        bool stalled = waited > StallTicks && waited > 4 * perChunk;
        stallRate += ((stalled ? 65536 : 0) - stallRate) >> 4;
        if (stalled && stallRate > StallRateLimit)
        {
            backoff = Math.Min(MaxBackoffTicks, Math.Max(BaseBackoffTicks, 2 * backoff));
            Volatile.Write(ref inlineUntil, Stopwatch.GetTimestamp() + backoff);
        }
        else if (waited < StallTicks / 4)
        {
            backoff = 0;
        }
    }

    /// <summary>The next chunk of launch <paramref name="ticket"/>, or −1 when none is left (or the launch is over).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Claim(uint ticket, bool fromFront)
    {
        while (true)
        {
            long s = Volatile.Read(ref words.State);
            if (Ticket(s) != ticket) return -1;
            int front = (int)(s >> 16) & 0xFFFF, back = (int)s & 0xFFFF;
            if (front >= back) return -1;
            long next = fromFront ? s + (1L << 16) : s - 1;
            if (Interlocked.CompareExchange(ref words.State, next, s) == s) return fromFront ? front : back - 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Ticket(long s) => (uint)((ulong)s >> 32);

    /// <summary>
    /// Makes the process use <paramref name="cores"/> cores (at least one, at most the machine's), as
    /// when several processes share a machine; only before the first launch has started the workers.
    /// </summary>
    public static void UseCores(int cores)
    {
        lock (StartLock)
        {
            if (threads is not null) throw new InvalidOperationException("the CPU workers are running already: choose the cores before the first kernel");
            Count = Math.Clamp(cores, 1, Math.Max(1, Environment.ProcessorCount)) - 1;
        }
    }

    private static void Start()
    {
        lock (StartLock)
        {
            if (threads is not null) return;
            var started = new Thread[Count];
            for (int i = 0; i < Count; i++)
            {
                int index = i + 1;
                started[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"GpuGen CPU worker {index}" };
                started[i].Start();
            }
            threads = started;
        }
    }

    /// <summary>Worker <paramref name="index"/> (1 … Count): sits launches out while a loan covers it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Loop(int index)
    {
        uint seen = Ticket(Volatile.Read(ref words.State));
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            while (Ticket(Volatile.Read(ref words.State)) == seen)
            {
                // One pause-spin between looks: Thread.SpinWait(20) lasts ~0.8 µs on the development
                // machine, and a worker that looked that seldom started its chunk 0.5 µs after the
                // caller rather than 0.2 (two 32×32×840 GEMMs, one per core: 358 → 374 GFLOP/s).
                if (Stopwatch.GetTimestamp() - start < SpinTicks && Volatile.Read(ref words.Lent) < index)
                {
                    Thread.SpinWait(1);
                    continue;
                }
                // Dekker handshake with Run: we publish "sleeping" before re-reading the ticket, the
                // caller publishes the ticket before reading "sleepers" (both full fences), so at
                // least one of us sees the other and no wake-up is lost.
                lock (SleepLock)
                {
                    Interlocked.Increment(ref words.Sleepers);
                    while (Ticket(Volatile.Read(ref words.State)) == seen) Monitor.Wait(SleepLock);
                    Interlocked.Decrement(ref words.Sleepers);
                }
            }
            seen = Ticket(Volatile.Read(ref words.State));
            while (Volatile.Read(ref words.Lent) < index)
            {
                // Read the launch before claiming: a successful claim proves the launch (ticket) was
                // still current, and a launch's body and context do not change while it has chunks left.
                var body = words.Body;
                void* context = words.Context;
                int c = Claim(seen, fromFront: false);
                if (c < 0) break;
                try
                {
                    body(context, c);
                }
                catch (Exception e)
                {
                    // Thrown again on the caller's thread once the launch is over (first error wins).
                    Interlocked.CompareExchange(ref workerError, e, null);
                }
                Interlocked.Increment(ref words.Completed);
            }
        }
    }
}
