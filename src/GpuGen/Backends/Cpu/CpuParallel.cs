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
/// Splits a kernel's index range over the cores, but only above a size where it pays: a
/// Parallel.For costs a few microseconds (and a few small allocations), which at SIMD speed is the
/// work of tens of thousands of elements. Below the threshold the kernel runs inline and allocates
/// nothing. Kernels are structs so the JIT specialises and inlines each one.
/// </summary>
internal static class CpuParallel
{
    /// <summary>Elements below which a cheap (memory-bound, vectorised) kernel stays on one core.</summary>
    public const long Cheap = 1 << 16;

    /// <summary>Elements below which an expensive per-element kernel (scalar transcendentals, Philox) stays on one core.</summary>
    public const long Heavy = 1 << 13;

    /// <summary>Parts are multiples of this many elements (a 64-byte line of floats, and whole Philox blocks).</summary>
    private const long Align = 16;

    /// <summary>Largest part, so that every part fits the int-length spans that TensorPrimitives takes.</summary>
    private const long MaxPart = 1 << 28;

    private static readonly int Cores = Environment.ProcessorCount;

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

    private static int Parts(long n, long threshold)
    {
        long parts = n < threshold || Cores == 1 ? 1 : Math.Min(Cores, n / Math.Max(1, threshold / 2));
        return (int)Math.Max(parts, (n + MaxPart - 1) / MaxPart);
    }

    /// <summary>Start of part i; parts of element ranges are aligned, parts of a few rows are not.</summary>
    private static long Bound(long n, int parts, int i)
    {
        if (i == parts) return n;
        long align = n / parts >= 64 * Align ? Align : 1;
        return Math.Min(n, n * i / parts / align * align);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fork<TKernel>(long n, int parts, TKernel kernel) where TKernel : struct, IRangeKernel =>
        Parallel.For(0, parts, i => kernel.Run(Bound(n, parts, i), Bound(n, parts, i + 1)));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double ForkSum<TKernel>(long n, int parts, TKernel kernel) where TKernel : struct, IRangeSum
    {
        var partial = new double[parts];
        Parallel.For(0, parts, i => partial[i] = kernel.Run(Bound(n, parts, i), Bound(n, parts, i + 1)));
        double sum = 0;
        foreach (double p in partial) sum += p;
        return sum;
    }
}
