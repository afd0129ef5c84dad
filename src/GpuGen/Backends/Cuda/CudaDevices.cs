using System.Globalization;
using System.Text;

namespace GpuGen.Backends.Cuda;

/// <summary>
/// Discovery through the driver API: cuInit, then every device's name and attributes. No
/// libcuda.so.1 (no NVIDIA driver), CUDA_ERROR_NO_DEVICE or any other failed cuInit means no
/// devices, not an error; <see cref="Absence"/> says why, for messages.
/// </summary>
internal static unsafe class CudaDevices
{
    private static readonly Lazy<(int Count, string? Absence)> State = new(Discover);

    public static int Count => State.Value.Count;

    /// <summary>Why there is no CUDA device (null when there is one).</summary>
    public static string? Absence => State.Value.Absence;

    private static (int, string?) Discover()
    {
        try
        {
            int status = Cu.cuInit(0);
            if (status == Cu.ErrorNoDevice) return (0, "the NVIDIA driver (libcuda.so.1) finds no CUDA device");
            if (status != Cu.Success) return (0, $"cuInit failed with {Cu.Describe(status)}");
            int count;
            status = Cu.cuDeviceGetCount(&count);
            if (status != Cu.Success) return (0, $"cuDeviceGetCount failed with {Cu.Describe(status)}");
            return count == 0 ? (0, "the NVIDIA driver finds no CUDA device") : (count, null);
        }
        catch (DllNotFoundException)
        {
            return (0, "no NVIDIA driver is installed (libcuda.so.1 not found)");
        }
        catch (EntryPointNotFoundException e)
        {
            return (0, $"libcuda.so.1 is too old ({e.Message})");
        }
    }

    /// <summary>The CUdevice of ordinal <paramref name="index"/>.</summary>
    public static int Handle(int index)
    {
        int device;
        Cu.Check(Cu.cuDeviceGet(&device, index), "cuDeviceGet");
        return device;
    }

    public static int Attribute(int device, int attribute)
    {
        int value;
        Cu.Check(Cu.cuDeviceGetAttribute(&value, attribute, device), "cuDeviceGetAttribute");
        return value;
    }

    public static string Name(int device)
    {
        byte* name = stackalloc byte[256];
        Cu.Check(Cu.cuDeviceGetName(name, 256, device), "cuDeviceGetName");
        return Encoding.UTF8.GetString(new ReadOnlySpan<byte>(name, 256)).TrimEnd('\0').Trim();
    }

    public static long TotalMemory(int device)
    {
        nuint bytes;
        Cu.Check(Cu.cuDeviceTotalMem(&bytes, device), "cuDeviceTotalMem");
        return (long)bytes;
    }

    /// <summary>Compute capability as major·10 + minor (90 for an H100/H200).</summary>
    public static int ComputeCapability(int device) =>
        Attribute(device, Cu.AttrComputeCapabilityMajor) * 10 + Attribute(device, Cu.AttrComputeCapabilityMinor);

    public static string DriverVersion()
    {
        int v;
        Cu.Check(Cu.cuDriverGetVersion(&v), "cuDriverGetVersion");
        return string.Create(CultureInfo.InvariantCulture, $"CUDA driver {v / 1000}.{v % 1000 / 10}");
    }

    /// <summary>What `gpugen devices` prints for ordinal <paramref name="index"/>.</summary>
    public static DeviceInfo Describe(int index)
    {
        int d = Handle(index);
        int cc = ComputeCapability(d);
        var nvrtc = Nvrtc.Find();
        double clockGhz = Attribute(d, Cu.AttrClockRate) / 1e6;
        double bandwidth = 2.0 * Attribute(d, Cu.AttrMemoryClockRate) * 1e3 * Attribute(d, Cu.AttrGlobalMemoryBusWidth) / 8 / 1e9;
        return new DeviceInfo(
            Name: Name(d),
            Kind: "cuda",
            Driver: DriverVersion() + (nvrtc is null ? ", no NVRTC (install libnvrtc)" : $", NVRTC {nvrtc.Version} ({nvrtc.File})"),
            ComputeUnits: Attribute(d, Cu.AttrMultiprocessorCount),
            MemoryBytes: TotalMemory(d),
            MaxWorkGroupSize: Attribute(d, Cu.AttrMaxThreadsPerBlock),
            Details: string.Create(CultureInfo.InvariantCulture,
                $"compute capability {cc / 10}.{cc % 10}, {clockGhz:F2} GHz, shared memory {Attribute(d, Cu.AttrMaxSharedMemoryPerBlock) >> 10} KiB per block, memory ~{bandwidth:F0} GB/s"));
    }
}
