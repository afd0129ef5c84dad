using System.Globalization;
using GpuGen.Backends.Cpu;
using GpuGen.Backends.Cuda;
using GpuGen.Backends.OpenCL;
using GpuGen.Tensors;

namespace GpuGen.Backends;

/// <summary>
/// Finds and opens devices by the names used on the command line: "cpu", "opencl[:N]", "cuda[:N]".
/// A backend whose driver is missing is simply absent from <see cref="List"/>.
/// </summary>
public static class DeviceRegistry
{
    /// <summary>Every device this machine offers, in the order `gpugen devices` prints them.</summary>
    public static IReadOnlyList<(string Name, DeviceInfo Info)> List()
    {
        using var cpu = new CpuBackend();
        var devices = new List<(string, DeviceInfo)> { ("cpu", cpu.Info) };
        for (int i = 0; i < OpenClBackend.DeviceCount; i++)
            devices.Add((string.Create(CultureInfo.InvariantCulture, $"opencl:{i}"), OpenClBackend.Describe(i)));
        for (int i = 0; i < CudaBackend.DeviceCount; i++)
            devices.Add((string.Create(CultureInfo.InvariantCulture, $"cuda:{i}"), CudaBackend.Describe(i)));
        return devices;
    }

    /// <summary>Opens a device by name; an unknown or unavailable one is an error naming it and the choices.</summary>
    public static Device Open(string spec)
    {
        var (kind, index) = Parse(spec);
        return kind switch
        {
            "cpu" when index == 0 => Device.Cpu(),
            "cpu" => throw new ArgumentException($"unknown device '{spec}': there is one CPU device, 'cpu'"),
            "opencl" when index < OpenClBackend.DeviceCount => new Device(new OpenClBackend(index)),
            "opencl" => throw new ArgumentException(
                $"device '{spec}' is not available (devices: {string.Join(", ", List().Select(d => d.Name))})"),
            "cuda" when index < CudaBackend.DeviceCount => new Device(new CudaBackend(index)),
            "cuda" => throw new ArgumentException(CudaBackend.DeviceCount == 0
                ? $"device '{spec}' is not available: {CudaBackend.Absence} (devices: {string.Join(", ", List().Select(d => d.Name))})"
                : $"device '{spec}' is not available: there are {CudaBackend.DeviceCount} CUDA devices (cuda:0 … cuda:{CudaBackend.DeviceCount - 1})"),
            _ => throw new ArgumentException($"unknown device '{spec}' (expected cpu, opencl[:N] or cuda[:N])"),
        };
    }

    public static (string Kind, int Index) Parse(string spec)
    {
        var parts = spec.Trim().ToLowerInvariant().Split(':');
        if (parts.Length > 2 || parts[0].Length == 0) throw new ArgumentException($"unknown device '{spec}' (expected cpu, opencl[:N] or cuda[:N])");
        int index = 0;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out index)))
            throw new ArgumentException($"device '{spec}': '{parts[1]}' is not a device number");
        return (parts[0], index);
    }
}
