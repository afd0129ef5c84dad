using System.Runtime.InteropServices;

namespace GpuGen.Viewer.Native;

/// <summary>
/// libc's setenv (Environment.SetEnvironmentVariable does not reach native code on Linux, and GLFW
/// reads DISPLAY through getenv) and per-thread nice values (Linux: setpriority on a thread id).
/// </summary>
internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static partial int GetPriority(int which, int who);

    /// <summary>
    /// Raises the nice value of every thread of this process whose name starts with
    /// <paramref name="namePrefix"/> by <paramref name="by"/> (Linux; elsewhere nothing); returns how
    /// many threads it changed. Raising a nice value needs no privilege.
    /// </summary>
    public static int LowerThreadPriority(string namePrefix, int by)
    {
        if (!OperatingSystem.IsLinux() || by <= 0) return 0;
        int changed = 0;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int tid)) continue;
                string name;
                try
                {
                    name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                }
                catch (IOException)
                {
                    continue; // the thread ended meanwhile
                }
                if (!name.StartsWith(namePrefix, StringComparison.Ordinal)) continue;
                Marshal.SetLastPInvokeError(0);
                int nice = GetPriority(0, tid);
                if (nice == -1 && Marshal.GetLastPInvokeError() != 0) continue;
                if (SetPriority(0, tid, Math.Min(19, nice + by)) == 0) changed++;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc: leave the priorities alone.
        }
        return changed;
    }

    /// <summary>Sets (or with null removes) a variable for both managed and native readers.</summary>
    public static void SetEnvironment(string name, string? value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (value is null) UnsetEnv(name);
        else SetEnv(name, value, 1);
    }
}
