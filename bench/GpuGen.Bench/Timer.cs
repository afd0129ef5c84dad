using System.Diagnostics;

namespace GpuGen.Bench;

/// <summary>
/// The timing rule of bench/README.md: W warm-up iterations, then R repetitions of I consecutive
/// iterations each, timed after synchronizing; per-iteration time = rep time / I; the median over R
/// is the result. If other processes used more than 10% of the CPUs during the block, the block is
/// timed again (at most 3 blocks) and the least disturbed one is kept.
/// </summary>
public static class Timer
{
    public const double ContentionLimit = 0.10;
    public const int MaxAttempts = 3;

    public static Measurement Measure(Action iteration, Action synchronize, int warmup, int reps, int inner)
    {
        for (int i = 0; i < warmup; i++) iteration();
        synchronize();
        Measurement? best = null;
        int attempts = 0;
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            attempts = attempt;
            var load = CpuLoad.Start();
            var times = new double[reps];
            for (int r = 0; r < reps; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < inner; i++) iteration();
                synchronize();
                times[r] = Stopwatch.GetElapsedTime(t0).TotalSeconds / inner;
            }
            var (foreign, own) = load.Stop();
            Array.Sort(times);
            var m = new Measurement(Median(times), times[0], times[^1], warmup, reps, inner, attempt, foreign, own);
            if (best is null || m.ForeignBusyFraction < best.ForeignBusyFraction) best = m;
            if (m.ForeignBusyFraction <= ContentionLimit) break;
        }
        return best! with { Attempts = attempts };
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
}
