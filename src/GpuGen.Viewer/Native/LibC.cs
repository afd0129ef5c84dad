using System.Runtime.InteropServices;

namespace GpuGen.Viewer.Native;

/// <summary>
/// libc's setenv: Environment.SetEnvironmentVariable does not reach native code on Linux, and GLFW
/// reads DISPLAY through getenv.
/// </summary>
internal static partial class LibC
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnv(string name);

    /// <summary>Sets (or with null removes) a variable for both managed and native readers.</summary>
    public static void SetEnvironment(string name, string? value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (value is null) UnsetEnv(name);
        else SetEnv(name, value, 1);
    }
}
