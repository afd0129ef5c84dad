using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuGen.Bench;

/// <summary>
/// The in-process FMA peak: what this runtime can issue on this machine, the roof against which a
/// GEMM's GFLOP/s is read. Each thread runs 16 independent Vector512 FMA chains: with a 4-cycle
/// latency and two FMA ports, 8 chains already keep both ports busy, so 16 leave slack for the
/// loop's own instructions. flops = threads · iterations · 16 chains · 16 lanes · 2.
/// </summary>
public static class FmaPeak
{
    private const int Chains = 16;

    /// <summary>The last peak this process measured (GFLOP/s), for workloads that report a fraction of it.</summary>
    public static double? Last { get; private set; }

    public static double MeasureGflops(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Spin(10_000); // JIT to full optimisation before timing
        const long iterations = 20_000_000;
        double best = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            using var start = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() => { start.SignalAndWait(); Spin(iterations); }) { IsBackground = true };
                workers[t].Start();
            }
            start.SignalAndWait();
            long t0 = Stopwatch.GetTimestamp();
            foreach (var w in workers) w.Join();
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            best = Math.Max(best, threads * iterations * Chains * Vector512<float>.Count * 2.0 / seconds / 1e9);
        }
        Last = best;
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Spin(long iterations)
    {
        var m = Vector512.Create(0.999999f);
        var d = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
            a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, d); a1 = Vector512.FusedMultiplyAdd(a1, m, d);
            a2 = Vector512.FusedMultiplyAdd(a2, m, d); a3 = Vector512.FusedMultiplyAdd(a3, m, d);
            a4 = Vector512.FusedMultiplyAdd(a4, m, d); a5 = Vector512.FusedMultiplyAdd(a5, m, d);
            a6 = Vector512.FusedMultiplyAdd(a6, m, d); a7 = Vector512.FusedMultiplyAdd(a7, m, d);
            a8 = Vector512.FusedMultiplyAdd(a8, m, d); a9 = Vector512.FusedMultiplyAdd(a9, m, d);
            a10 = Vector512.FusedMultiplyAdd(a10, m, d); a11 = Vector512.FusedMultiplyAdd(a11, m, d);
            a12 = Vector512.FusedMultiplyAdd(a12, m, d); a13 = Vector512.FusedMultiplyAdd(a13, m, d);
            a14 = Vector512.FusedMultiplyAdd(a14, m, d); a15 = Vector512.FusedMultiplyAdd(a15, m, d);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
        return Vector512.Sum(s);
    }
}
