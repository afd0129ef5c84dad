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

    public void Report(long done, string status)
    {
        if (!enabled) return;
        double fraction = Math.Clamp((double)done / total, 0, 1);
        long now = clock.ElapsedMilliseconds;
        if (interactive)
        {
            if (now - lastDrawMs < 100 && done < total) return;
            lastDrawMs = now;
            const int width = 28;
            int filled = (int)(fraction * width);
            string bar = new string('█', filled) + new string('░', width - filled);
            lastLine = $"\r{label} {bar} {fraction,4:P0} {done}/{total} {status}  ";
            Console.Error.Write(lastLine);
        }
        else
        {
            int decile = (int)(fraction * 10);
            if (decile == lastDecile) return;
            lastDecile = decile;
            Console.Error.WriteLine($"{label}: {done}/{total} ({fraction:P0}) {status}");
        }
    }

    public void Dispose()
    {
        if (enabled && interactive && lastLine.Length > 0) Console.Error.WriteLine();
    }
}
