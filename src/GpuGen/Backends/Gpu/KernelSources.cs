using System.Collections.Concurrent;

namespace GpuGen.Backends.Gpu;

/// <summary>
/// The single-source kernels of kernels/*.cl and their prelude, embedded into the library as
/// resources "GpuGen.Kernels.&lt;file&gt;". A program's source is the prelude followed by one file.
/// </summary>
internal static class KernelSources
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    /// <summary>The text of one embedded kernel file, e.g. "elementwise.cl" or "prelude.h".</summary>
    public static string Text(string file) => Cache.GetOrAdd(file, static f =>
    {
        using var stream = typeof(KernelSources).Assembly.GetManifestResourceStream("GpuGen.Kernels." + f)
            ?? throw new InvalidOperationException($"kernel source '{f}' is not embedded in the library (see GpuGen.csproj)");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Prelude + file, with #line so build logs name the file's own lines.</summary>
    public static string Program(string file) => Text("prelude.h") + $"\n#line 1 \"{file}\"\n" + Text(file);
}
