using System.Globalization;

namespace GpuGen.Viewer;

/// <summary>
/// CPU seconds used so far by this process and by the X server showing its windows (Linux: the
/// Xvfb/Xorg process whose command line names this DISPLAY, read from /proc). The benchmark compares
/// CPU per sampling step with the window on and off: unlike steps per wall second, that hardly moves
/// when other jobs share the machine.
/// </summary>
public readonly record struct CpuUse(double Process, double DisplayServer)
{
    public double Total => Process + DisplayServer;

    public static CpuUse operator -(CpuUse a, CpuUse b) => new(a.Process - b.Process, a.DisplayServer - b.DisplayServer);

    public static CpuUse Now() => new(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, ServerSeconds());

    private static readonly Lazy<int?> ServerPid = new(FindServer);

    /// <summary>Whether the X server's CPU is counted (found through DISPLAY and /proc).</summary>
    public static bool CountsDisplayServer => ServerPid.Value is not null;

    private static double ServerSeconds()
    {
        if (ServerPid.Value is not { } pid) return 0;
        try
        {
            // Fields after the parenthesised name: state is field 3, utime 14, stime 15 (clock ticks of 1/100 s on Linux).
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static int? FindServer()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("DISPLAY") is not { Length: > 1 } display) return null;
        string name = display[display.IndexOf(':')..];
        int dot = name.IndexOf('.');
        if (dot > 0) name = name[..dot];
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                string[] args;
                try
                {
                    args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                string exe = Path.GetFileName(args[0]);
                if (exe is "Xvfb" or "Xorg" or "X" or "Xwayland" && args.Contains(name)) return pid;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
