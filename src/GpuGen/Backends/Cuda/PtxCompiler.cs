using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using GpuGen.Backends.OpenCL;

namespace GpuGen.Backends.Cuda;

/// <summary>
/// Kernel source (prelude included) → PTX through <see cref="Nvrtc"/> for one virtual architecture
/// (compute_XY), with -DGG_CUDA so the prelude takes its CUDA side. PTX is cached in memory for the
/// process and on disk under the cache folder's "cuda" subfolder, keyed by SHA-256 of (source,
/// NVRTC version, architecture, options): the same kernels on the same toolkit compile once per machine.
/// </summary>
internal sealed class PtxCompiler(Nvrtc nvrtc, int architecture, ProgramCache? disk = null, ConcurrentDictionary<string, byte[]>? memory = null)
{
    /// <summary>The process's PTX, shared by every device and backend instance.</summary>
    private static readonly ConcurrentDictionary<string, byte[]> Shared = new();

    private readonly ProgramCache disk = disk ?? ProgramCache.Default("cuda");
    private readonly ConcurrentDictionary<string, byte[]> memoryCache = memory ?? Shared;

    public Nvrtc Nvrtc { get; } = nvrtc;

    /// <summary>The compute capability compiled for, major·10 + minor.</summary>
    public int Architecture { get; } = architecture;

    /// <summary>Compiles served from the in-process cache, from disk, and by NVRTC (for tests).</summary>
    public int MemoryHits { get; private set; }

    public int DiskHits { get; private set; }

    public int Compiles { get; private set; }

    /// <summary>The NVRTC options for <paramref name="options"/> (space-separated -D defines) on this architecture.</summary>
    public IReadOnlyList<string> Options(string options) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"--gpu-architecture=compute_{Architecture}"),
        "-DGG_CUDA",
        "--std=c++14",
        .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries),
    ];

    /// <summary>PTX (NUL-terminated, as cuModuleLoadData wants it) for <paramref name="source"/>; throws with the program log on errors.</summary>
    public byte[] Compile(string name, string source, string options)
    {
        var full = Options(options);
        string key = ProgramCache.Key(source, $"nvrtc {Nvrtc.Version}", $"compute_{Architecture}", string.Join(' ', full));
        if (memoryCache.TryGetValue(key, out var ptx))
        {
            MemoryHits++;
            return ptx;
        }
        if (disk.Load(key) is { Length: > 0 } stored && stored[^1] == 0 && Encoding.ASCII.GetString(stored, 0, Math.Min(stored.Length, 4096)).Contains(".version", StringComparison.Ordinal))
        {
            DiskHits++;
            return memoryCache.GetOrAdd(key, stored);
        }
        var (compiled, _) = Nvrtc.Compile(name, source, full);
        Compiles++;
        if (compiled.Length == 0 || compiled[^1] != 0) compiled = [.. compiled, 0];
        disk.Store(key, compiled);
        return memoryCache.GetOrAdd(key, compiled);
    }
}
