using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuGen.Backends.Ilgpu;

/// <summary>
/// The ILGPU side of the device list: one ILGPU <see cref="Context"/> for the process, holding ILGPU's
/// CPU accelerator ("ilgpu-cpu"), every CUDA device ("cuda:N") and every OpenCL device ("opencl:N",
/// including the ones ILGPU cannot drive, each with the reason). A machine without the NVIDIA driver or
/// an OpenCL loader simply has none of those.
/// </summary>
public static class IlgpuDevices
{
    /// <summary>
    /// The CPU accelerator's shape: warps of 2 threads, 2 warps a group, one "multiprocessor". Every thread
    /// of a group is an OS thread and every barrier a real synchronisation, so groups stay small (4
    /// threads): enough to exercise multi-warp barriers and shared memory, few enough for a two-core
    /// machine. Measured on 2 busy cores: (2, 2, 1) launches a flat kernel in 0.36 ms and a 128³ GEMM
    /// in 0.10 s; (4, 2, 2) took 0.97 ms and 0.34 s.
    /// </summary>
    public const int CpuWarp = 2, CpuWarpsPerGroup = 2, CpuMultiprocessors = 1;

    private static readonly Lazy<Context> Shared = new(Create);

    /// <summary>The process's ILGPU context (created on first use, with ILGPU.Algorithms' math for PTX and OpenCL).</summary>
    public static Context Context => Shared.Value;

    /// <summary>CUDA devices ILGPU found (none without the NVIDIA driver).</summary>
    public static IReadOnlyList<CudaDevice> Cuda => CudaState.Value;

    private static readonly Lazy<IReadOnlyList<CudaDevice>> CudaState = new(() =>
    {
        var list = new List<CudaDevice>();
        foreach (var device in Context.GetCudaDevices()) list.Add(device);
        return list;
    });

    /// <summary>Every OpenCL device the loader lists, each with why ILGPU refuses it (null when it can run our kernels).</summary>
    public static IReadOnlyList<(CLDevice Device, string? Refusal)> OpenCl => OpenClState.Value;

    private static readonly Lazy<IReadOnlyList<(CLDevice, string?)>> OpenClState = new(FindOpenCl);

    /// <summary>Why there is no CUDA device, for messages (null when there is one).</summary>
    public static string? CudaAbsence => Cuda.Count > 0 ? null
        : "no NVIDIA driver found (libcuda.so.1 did not load or lists no device)";

    /// <summary>What `gpugen devices` prints about an accelerator's device.</summary>
    public static DeviceInfo Describe(Device device, string kind, string driver, string details) => new(
        Name: device.Name,
        Kind: kind,
        Driver: driver,
        ComputeUnits: device.NumMultiprocessors,
        MemoryBytes: device.MemorySize,
        MaxWorkGroupSize: device.MaxNumThreadsPerGroup,
        Details: details);

    /// <summary>The entry for an OpenCL device, refused or not.</summary>
    public static DeviceInfo Describe(CLDevice device, string? refusal) => Describe(device, "opencl",
        $"ILGPU {IlgpuVersion} on OpenCL ({device.PlatformName})",
        string.Create(CultureInfo.InvariantCulture,
            $"{device.DeviceVersion}, OpenCL C {device.CVersion}, generic address space: {(device.Capabilities.GenericAddressSpace ? "yes" : "no")}")
        + (refusal is null ? "" : $"; not usable: {refusal}"));

    /// <summary>The ILGPU package version (for the driver column).</summary>
    public static string IlgpuVersion { get; } =
        typeof(Context).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Context).Assembly.GetName().Version?.ToString() ?? "?";

    private static Context Create()
    {
        ResolveOpenClLoader();
        return Context.Create(builder => builder
            .CPU(new CPUDevice(CpuWarp, CpuWarpsPerGroup, CpuMultiprocessors))
            .Cuda()
            .OpenCL(_ => true) // every device: the refused ones are listed with their reason
            .EnableAlgorithms());
    }

    /// <summary>
    /// ILGPU looks for "OpenCL" (libOpenCL.so), which only the -dev package provides; the loader itself
    /// is libOpenCL.so.1. Map the name on ILGPU's assembly, so the runtime package alone is enough.
    /// </summary>
    private static void ResolveOpenClLoader()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, (name, assembly, path) =>
            {
                if (name != "OpenCL" || !OperatingSystem.IsLinux()) return IntPtr.Zero;
                return NativeLibrary.TryLoad("libOpenCL.so.1", assembly, path, out var handle) ? handle : IntPtr.Zero;
            });
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set for ILGPU's assembly (by the host program): keep it.
        }
    }

    private static IReadOnlyList<(CLDevice, string?)> FindOpenCl()
    {
        try
        {
            var list = new List<(CLDevice, string?)>();
            foreach (var device in Context.GetCLDevices()) list.Add((device, Refusal(device)));
            return list;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            return [];
        }
    }

    /// <summary>ILGPU's OpenCL backend needs OpenCL C 2.0+, or OpenCL 3.0 with the generic address space.</summary>
    private static string? Refusal(CLDevice device)
    {
        if (device.CVersion >= ILGPU.Backends.OpenCL.CLCVersion.CL20) return null;
        if (device.Capabilities.GenericAddressSpace) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"ILGPU needs OpenCL C 2.0 or later, or OpenCL 3.0 with the generic address space; this device offers OpenCL C {device.CVersion} without it");
    }
}
