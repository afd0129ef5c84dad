using System.Globalization;
using GpuGen.Backends.Gpu;

namespace GpuGen.Backends.OpenCL;

/// <summary>
/// An OpenCL device ("opencl:N", numbered over all platforms' devices): memory, copies and the
/// shared launch layer <see cref="GpuKernels"/> over an <see cref="OpenClDriver"/>. Launches are
/// asynchronous on one in-order queue; reads block.
/// </summary>
public sealed class OpenClBackend : GpuBackend
{
    private readonly OpenClDriver driver;
    private readonly GpuKernels kernels;

    /// <summary>Opens device <paramref name="index"/>; throws naming the count when there is no such device.</summary>
    public OpenClBackend(int index = 0)
    {
        var devices = OpenClDevices.List();
        if (index < 0 || index >= devices.Count)
            throw new ArgumentException(devices.Count == 0
                ? $"device 'opencl:{index}' is not available: no OpenCL driver is installed (libOpenCL.so.1 and an ICD such as pocl-opencl-icd)"
                : $"device 'opencl:{index}' is not available: there are {devices.Count} OpenCL devices (opencl:0 … opencl:{devices.Count - 1})");
        var (platform, device) = devices[index];
        Name = string.Create(CultureInfo.InvariantCulture, $"opencl:{index}");
        Info = Describe(platform, device);
        driver = new OpenClDriver(platform, device);
        kernels = new GpuKernels(driver);
    }

    /// <summary>How many OpenCL devices this machine offers (0 without a driver).</summary>
    public static int DeviceCount => OpenClDevices.List().Count;

    /// <summary>What `gpugen devices` prints for device <paramref name="index"/>, without opening it.</summary>
    public static DeviceInfo Describe(int index)
    {
        var (platform, device) = OpenClDevices.List()[index];
        return Describe(platform, device);
    }

    public override string Name { get; }

    public override DeviceInfo Info { get; }

    internal override GpuKernels Launcher => kernels;

    private protected override IGpuDriver GpuDriver => driver;

    internal OpenClDriver Driver => driver;

    private static DeviceInfo Describe(nint platform, nint device)
    {
        string platformName = OpenClDevices.PlatformString(platform, Cl.PlatformName);
        string driverVersion = OpenClDevices.DeviceString(device, Cl.DriverVersion);
        ulong maxAlloc = OpenClDevices.DeviceValue<ulong>(device, Cl.DeviceMaxMemAllocSize);
        ulong local = OpenClDevices.DeviceValue<ulong>(device, Cl.DeviceLocalMemSize);
        return new DeviceInfo(
            Name: OpenClDevices.DeviceString(device, Cl.DeviceName),
            Kind: "opencl",
            Driver: $"{platformName} {driverVersion}",
            ComputeUnits: (int)OpenClDevices.DeviceValue<uint>(device, Cl.DeviceMaxComputeUnits),
            MemoryBytes: (long)OpenClDevices.DeviceValue<ulong>(device, Cl.DeviceGlobalMemSize),
            MaxWorkGroupSize: (int)Math.Min(int.MaxValue, OpenClDevices.DeviceValue<nuint>(device, Cl.DeviceMaxWorkGroupSize)),
            Details: string.Create(CultureInfo.InvariantCulture,
                $"{OpenClDevices.DeviceString(device, Cl.DeviceVendor)}, {OpenClDevices.DeviceString(device, Cl.DeviceVersion)}, max allocation {maxAlloc >> 20} MiB, local memory {local >> 10} KiB"));
    }
}
