using System.Diagnostics;

namespace GpuGen.Cli;

/// <summary>
/// A progress line on stderr: redrawn in place (≤ 10 times a second) on a terminal, one line per
/// 10% when stderr is a file or pipe, so logs stay readable. Silent when disabled.
/// </summary>
public sealed class ProgressBar : IDisposable
{
    private readonly string label;
    private readonly long total;
    private readonly bool enabled;
    private readonly bool interactive = !Console.IsErrorRedirected;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long lastDrawMs = -1000;
    private int lastDecile = -1;
    private string lastLine = "";

    public ProgressBar(string label, long total, bool enabled = true)
    {
        this.label = label;
        this.total = Math.Max(1, total);
        this.enabled = enabled;
    }

    public double ElapsedSeconds => clock.Elapsed.TotalSeconds;

    /// <summary>Shows <paramref name="done"/> of the total, or <paramref name="fraction"/> when the work is bounded otherwise (by time).</summary>
    public void Report(long done, string status, double? fraction = null)
    {
        if (!enabled) return;
        double f = Math.Clamp(fraction ?? (double)done / total, 0, 1);
        long now = clock.ElapsedMilliseconds;
        if (interactive)
        {
            if (now - lastDrawMs < 100 && done < total) return;
            lastDrawMs = now;
            const int width = 28;
            int filled = (int)(f * width);
            string bar = new string('█', filled) + new string('░', width - filled);
            string count = fraction is null ? $"{done}/{total}" : $"{done}";
            lastLine = $"\r{label} {bar} {f,4:P0} {count} {status}  ";
            Console.Error.Write(lastLine);
        }
        else
        {
            int decile = (int)(f * 10);
            if (decile == lastDecile) return;
            lastDecile = decile;
            string count = fraction is null ? $"{done}/{total}" : $"{done}";
            Console.Error.WriteLine($"{label}: {count} ({f:P0}) {status}");
        }
    }

    /// <summary>Time left as "1h02m", "3m05s" or "12s", from the time spent and the fraction done ("?" before any progress).</summary>
    public static string Eta(double elapsedSeconds, double fraction)
    {
        if (!(fraction > 0) || !double.IsFinite(elapsedSeconds)) return "?";
        var left = TimeSpan.FromSeconds(Math.Max(0, elapsedSeconds * (1 - fraction) / fraction));
        return left.TotalHours >= 1 ? $"{(int)left.TotalHours}h{left.Minutes:D2}m" : left.TotalMinutes >= 1 ? $"{left.Minutes}m{left.Seconds:D2}s" : $"{left.Seconds}s";
    }

    public void Dispose()
    {
        if (enabled && interactive && lastLine.Length > 0) Console.Error.WriteLine();
    }
}
