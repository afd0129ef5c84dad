using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GpuGen.Tests.Viewer;

/// <summary>
/// A private X server for the window tests: <c>Xvfb -displayfd</c> picks a free display number and
/// prints it when ready; DISPLAY is set for managed and native readers (GLFW reads it through getenv).
/// Started once per test process, killed by PID at exit. <see cref="Reason"/> says why windows
/// cannot be tested here (no Xvfb, no GLFW), and the tests skip with it.
/// </summary>
internal static partial class VirtualDisplay
{
    private static readonly Lazy<string?> Started = new(Start);
    private static Process? server;

    /// <summary>Null when a window can be opened, else the reason it cannot.</summary>
    public static string? Reason => Started.Value;

    private static string? Start()
    {
        if (!NativeLibrary.TryLoad("libglfw.so.3", out var glfw)) return "GLFW (libglfw.so.3) is not installed: apt-get install libglfw3";
        NativeLibrary.Free(glfw);
        string? xvfb = new[] { "/usr/bin/Xvfb", "/usr/local/bin/Xvfb" }.FirstOrDefault(File.Exists);
        if (xvfb is null) return "Xvfb is not installed (apt-get install xvfb), so no virtual X server can be started";
        try
        {
            var psi = new ProcessStartInfo(xvfb, "-displayfd 1 -screen 0 1280x1024x24 -nolisten tcp -noreset")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            server = Process.Start(psi)!;
            server.ErrorDataReceived += (_, _) => { };
            server.BeginErrorReadLine();
            var line = server.StandardOutput.ReadLineAsync();
            if (!line.Wait(TimeSpan.FromSeconds(10)) || line.Result is not { Length: > 0 } number)
            {
                server.Kill();
                return "Xvfb did not report a display within 10 s";
            }
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
            SetEnv("DISPLAY", ":" + number.Trim(), 1);
            Environment.SetEnvironmentVariable("DISPLAY", ":" + number.Trim());
            string? why = GpuGen.Viewer.ViewerSurface.WindowUnavailable();
            return why is null ? null : $"GLFW cannot use the virtual display: {why}";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"Xvfb cannot be started: {e.Message}";
        }
    }

    private static void Stop()
    {
        try
        {
            if (server is { HasExited: false }) server.Kill();
        }
        catch (InvalidOperationException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}

/// <summary>A fact that needs a window on the virtual display; skipped with the reason where there is none.</summary>
public sealed class WindowFactAttribute : FactAttribute
{
    public override string? Skip
    {
        get => VirtualDisplay.Reason;
        set { }
    }
}

/// <summary>A fact that needs an offscreen OpenGL context through EGL; skipped with the reason where there is none.</summary>
public sealed class HeadlessFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() =>
    {
        try
        {
            // Probe on a thread of its own: the context is current on the probing thread only.
            string? why = null;
            var t = new Thread(() =>
            {
                try
                {
                    using var s = GpuGen.Viewer.ViewerSurface.Open(8, 8, headless: true);
                }
                catch (Exception e) when (e is NotSupportedException or DllNotFoundException or InvalidOperationException)
                {
                    why = e.Message;
                }
            });
            t.Start();
            t.Join();
            return why;
        }
        catch (Exception e)
        {
            return e.Message;
        }
    });

    public override string? Skip
    {
        get => Reason.Value;
        set { }
    }
}

/// <summary>GL tests run one at a time: a context belongs to one thread, and GLFW is process-wide.</summary>
[CollectionDefinition("OpenGL", DisableParallelization = true)]
public sealed class OpenGlCollection
{
}
