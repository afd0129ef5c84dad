using System.Diagnostics;

namespace GpuGen.Bench;

/// <summary>
/// The contention guard of bench/README.md: how busy the machine's CPUs were during a timed
/// block, split into this process's share and everyone else's, from /proc/stat and the process's
/// own CPU time. Elsewhere than Linux the foreign share reads as 0.
/// </summary>
public sealed class CpuLoad
{
    private readonly long busy0, total0;
    private readonly TimeSpan own0;
    private readonly long wall0;

    private CpuLoad()
    {
        (busy0, total0) = ReadProcStat();
        own0 = Process.GetCurrentProcess().TotalProcessorTime;
        wall0 = Stopwatch.GetTimestamp();
    }

    public static CpuLoad Start() => new();

    /// <summary>(fraction of all CPU time used by other processes, this process's CPU seconds per wall second).</summary>
    public (double ForeignBusyFraction, double OwnCpuPerWall) Stop()
    {
        var (busy1, total1) = ReadProcStat();
        var own = (Process.GetCurrentProcess().TotalProcessorTime - own0).TotalSeconds;
        double wall = Stopwatch.GetElapsedTime(wall0).TotalSeconds;
        double ownPerWall = wall > 0 ? own / wall : 0;
        if (total1 <= total0) return (0, ownPerWall);
        // /proc/stat counts in clock ticks (USER_HZ, 100/s on Linux): convert our CPU time to the same unit.
        double ticksPerSecond = (total1 - total0) / (wall * Environment.ProcessorCount);
        double foreignTicks = Math.Max(0, busy1 - busy0 - own * ticksPerSecond);
        return (foreignTicks / (total1 - total0), ownPerWall);
    }

    private static (long Busy, long Total) ReadProcStat()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var first = reader.ReadLine();
            if (first is null || !first.StartsWith("cpu ", StringComparison.Ordinal)) return (0, 0);
            var f = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            long idle = f[3] + (f.Length > 4 ? f[4] : 0);    // idle + iowait
            long total = f.Take(Math.Min(f.Length, 8)).Sum(); // user nice system idle iowait irq softirq steal
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return (0, 0);
        }
    }
}
