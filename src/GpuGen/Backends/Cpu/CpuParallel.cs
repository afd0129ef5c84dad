using System.Runtime.CompilerServices;


namespace GpuGen.Backends.Cpu;

/// <summary>A piece of a kernel over the index range [start, end).</summary>
internal interface IRangeKernel
{
    void Run(long start, long end);
}

/// <summary>A piece of a reduction over [start, end) that returns its partial sum.</summary>
internal interface IRangeSum
{
    double Run(long start, long end);
}

/// <summary>
/// Splits a kernel's index range into chunks for this thread and the <see cref="CpuWorkers"/>, but
/// only above a size where it pays: a hand-off to a spinning worker costs about a microsecond, the
/// work of a few thousand elements of a memory-bound SIMD kernel. Below the threshold the kernel runs
/// inline. Kernels are structs so the JIT specialises and inlines each one; a launch allocates nothing.
/// </summary>
internal static unsafe class CpuParallel
{
    /// <summary>
    /// Elements below which a cheap (memory-bound, vectorised) kernel stays on one core: 32 Ki floats
    /// take ~5 µs on one core, well above a hand-off, and smaller launches are not worth exposing to
    /// a worker thread that the OS may deschedule (the machine is shared).
    /// </summary>
    public const long Cheap = 1 << 15;

    /// <summary>Elements below which an expensive per-element kernel (scalar transcendentals, Philox) stays on one core.</summary>
    public const long Heavy = 1 << 11;

    /// <summary>Parts are multiples of this many elements (a 64-byte line of floats, and whole Philox blocks).</summary>
    private const long Align = 16;

    /// <summary>Largest part, so that every part fits the int-length spans that TensorPrimitives takes.</summary>
    private const long MaxPart = 1 << 28;

    /// <summary>
    /// Chunks per thread at most: a few, so that a late or slow thread's share is picked up by the
    /// other, yet each chunk is still long next to the ~50 ns of claiming it.
    /// </summary>
    private const int ChunksPerThread = 8;

    /// <summary>
    /// Threads a range is split for: the machine's cores, even when the process uses fewer
    /// (<see cref="CpuWorkers.UseCores"/>), so that sums split, and round, the same either way.
    /// </summary>
    private static readonly int Threads = Math.Max(1, Environment.ProcessorCount);

    public static void For<TKernel>(long n, in TKernel kernel, long threshold = Cheap) where TKernel : struct, IRangeKernel
    {
        if (n <= 0) return;
        int parts = Parts(n, threshold);
        if (parts == 1) kernel.Run(0, n);
        else Fork(n, parts, kernel);
    }

    /// <summary>Σ of the parts' partial sums, added in a fixed order so the result does not depend on scheduling.</summary>
    public static double Sum<TKernel>(long n, in TKernel kernel, long threshold = Cheap) where TKernel : struct, IRangeSum
    {
        if (n <= 0) return 0;
        int parts = Parts(n, threshold);
        return parts == 1 ? kernel.Run(0, n) : ForkSum(n, parts, kernel);
    }

    /// <summary>How many parts: a function of n and the threshold only, so sums split the same way on every run.</summary>
    private static int Parts(long n, long threshold)
    {
        long parts = n < threshold || Threads == 1 ? 1 : Math.Min(ChunksPerThread * Threads, n / Math.Max(1, threshold / 4));
        return (int)Math.Min(CpuWorkers.MaxChunks, Math.Max(parts, (n + MaxPart - 1) / MaxPart));
    }

    /// <summary>Start of part i; parts of element ranges are aligned, parts of a few rows are not.</summary>
    private static long Bound(long n, int parts, int i)
    {
        if (i == parts) return n;
        long align = n / parts >= 64 * Align ? Align : 1;
        return Math.Min(n, n * i / parts / align * align);
    }

    private struct ForContext<TKernel> where TKernel : struct
    {
        public void* Kernel;
        public long N;
        public int Parts;
        public double* Partial;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fork<TKernel>(long n, int parts, TKernel kernel) where TKernel : struct, IRangeKernel
    {
        // The kernel and the context live on this frame, which CpuWorkers.Run outlives.
        var context = new ForContext<TKernel> { Kernel = Unsafe.AsPointer(ref kernel), N = n, Parts = parts };
        CpuWorkers.Run(&RunPart<TKernel>, &context, parts);
    }

    private static void RunPart<TKernel>(void* context, int part) where TKernel : struct, IRangeKernel
    {
        ref var c = ref Unsafe.AsRef<ForContext<TKernel>>(context);
        Unsafe.AsRef<TKernel>(c.Kernel).Run(Bound(c.N, c.Parts, part), Bound(c.N, c.Parts, part + 1));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double ForkSum<TKernel>(long n, int parts, TKernel kernel) where TKernel : struct, IRangeSum
    {
        double[]? heap = parts > 256 ? new double[parts] : null;
        Span<double> partial = heap ?? stackalloc double[parts];
        fixed (double* p = partial)
        {
            var context = new ForContext<TKernel> { Kernel = Unsafe.AsPointer(ref kernel), N = n, Parts = parts, Partial = p };
            CpuWorkers.Run(&RunSumPart<TKernel>, &context, parts);
        }
        double sum = 0;
        foreach (double x in partial) sum += x;
        return sum;
    }

    private static void RunSumPart<TKernel>(void* context, int part) where TKernel : struct, IRangeSum
    {
        ref var c = ref Unsafe.AsRef<ForContext<TKernel>>(context);
        c.Partial[part] = Unsafe.AsRef<TKernel>(c.Kernel).Run(Bound(c.N, c.Parts, part), Bound(c.N, c.Parts, part + 1));
    }
}
