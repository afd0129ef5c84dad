using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using GpuGen.Backends;
using GpuGen.Backends.Cpu;
using GpuGen.Backends.Cuda;
using GpuGen.Backends.OpenCL;

namespace GpuGen.Tests.Support;

/// <summary>
/// The backends kernel tests run on, by name ("cpu", "opencl:0"), each opened once and shared by all
/// tests (a device's compiled programs are then compiled once per run). The OpenCL driver's caches
/// (PoCL's and GpuGen's) go to a folder the tests own.
/// </summary>
public static partial class TestBackends
{
    private static readonly ConcurrentDictionary<string, Lazy<IBackend>> Open = new();

    static TestBackends()
    {
        // Environment.SetEnvironmentVariable does not reach native code on Linux: set both.
        string root = Path.Combine(Path.GetTempPath(), "gpugen-tests-cache");
        SetVariable("POCL_CACHE_DIR", Path.Combine(root, "pocl"));
        SetVariable("GPUGEN_CACHE_DIR", Path.Combine(root, "gpugen"));
    }

    /// <summary>Why there is no <paramref name="name"/> device (a skip reason).</summary>
    public static string Absence(string name) => DeviceRegistry.Parse(name).Kind == "cuda" && CudaBackend.Absence is { } why
        ? $"no {name} device on this machine: {why}"
        : $"no {name} device on this machine";

    /// <summary>Whether <paramref name="name"/> names a device this machine has.</summary>
    public static bool IsPresent(string name)
    {
        var (kind, index) = DeviceRegistry.Parse(name);
        return kind switch
        {
            "cpu" => true,
            "opencl" => index < OpenClDeviceCount(),
            "cuda" => index < CudaDeviceCount(),
            _ => false,
        };
    }

    /// <summary>The shared backend named <paramref name="name"/> (never disposed by a test).</summary>
    public static IBackend Get(string name) => Open.GetOrAdd(name, n => new Lazy<IBackend>(() =>
    {
        var (kind, index) = DeviceRegistry.Parse(n);
        return kind switch
        {
            "cpu" => new CpuBackend(),
            "cuda" => new CudaBackend(index),
            _ => new OpenClBackend(index),
        };
    })).Value;

    private static int OpenClDeviceCount()
    {
        _ = Open; // runs the static constructor (cache folders) before the driver loads
        return OpenClBackend.DeviceCount;
    }

    private static int CudaDeviceCount()
    {
        _ = Open; // the cache folders first (PTX goes to GPUGEN_CACHE_DIR/cuda)
        return CudaBackend.DeviceCount;
    }

    private static void SetVariable(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 }) return;
        Directory.CreateDirectory(value);
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) setenv(name, value, 1);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
