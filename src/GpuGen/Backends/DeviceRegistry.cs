using System.Globalization;
using GpuGen.Backends.Cpu;
using GpuGen.Backends.Ilgpu;

namespace GpuGen.Backends;

/// <summary>
/// Finds and opens devices by the names used on the command line: "cpu" (the managed SIMD backend),
/// "ilgpu-cpu" (ILGPU's CPU accelerator), "cuda[:N]" and "opencl[:N]" (ILGPU's CUDA and OpenCL
/// accelerators). A backend whose driver is missing is simply absent from <see cref="List"/>; an
/// OpenCL device ILGPU cannot drive is listed with the reason.
/// </summary>
public static class DeviceRegistry
{
    /// <summary>The device names accepted on the command line, for messages.</summary>
    public const string Choices = "cpu, ilgpu-cpu, cuda[:N] or opencl[:N]";

    /// <summary>Every device this machine offers, in the order `gpugen devices` prints them.</summary>
    public static IReadOnlyList<(string Name, DeviceInfo Info)> List()
    {
        using var cpu = new CpuBackend();
        var devices = new List<(string, DeviceInfo)> { ("cpu", cpu.Info) };
        using (var ilgpu = IlgpuBackend.Cpu()) devices.Add(("ilgpu-cpu", ilgpu.Info));
        var cuda = IlgpuDevices.Cuda;
        for (int i = 0; i < cuda.Count; i++) devices.Add((Name("cuda", i), IlgpuBackend.DescribeCuda(cuda[i])));
        var opencl = IlgpuDevices.OpenCl;
        for (int i = 0; i < opencl.Count; i++) devices.Add((Name("opencl", i), IlgpuDevices.Describe(opencl[i].Device, opencl[i].Refusal)));
        return devices;
    }

    /// <summary>The backend named <paramref name="spec"/> (the caller owns it).</summary>
    public static IBackend OpenBackend(string spec)
    {
        var (kind, index) = Parse(spec);
        return kind switch
        {
            "cpu" when index == 0 => new CpuBackend(),
            "cpu" => throw new ArgumentException($"unknown device '{spec}': there is one CPU device, 'cpu'"),
            "ilgpu-cpu" when index == 0 => IlgpuBackend.Cpu(),
            "ilgpu-cpu" => throw new ArgumentException($"unknown device '{spec}': there is one ILGPU CPU accelerator, 'ilgpu-cpu'"),
            "cuda" => IlgpuBackend.Cuda(index),
            "opencl" => IlgpuBackend.OpenCl(index),
            _ => throw new ArgumentException($"unknown device '{spec}' (expected {Choices})"),
        };
    }

    /// <summary>Why the device named <paramref name="spec"/> cannot be opened here, or null when it can.</summary>
    public static string? Absence(string spec)
    {
        var (kind, index) = Parse(spec);
        return kind switch
        {
            "cpu" or "ilgpu-cpu" => index == 0 ? null : $"there is no device '{spec}'",
            "cuda" => index < IlgpuDevices.Cuda.Count ? null
                : IlgpuDevices.Cuda.Count == 0 ? $"no {spec} device on this machine: {IlgpuDevices.CudaAbsence}"
                : $"no {spec} device on this machine (there are {IlgpuDevices.Cuda.Count})",
            "opencl" => index >= IlgpuDevices.OpenCl.Count
                ? $"no {spec} device on this machine (OpenCL devices found: {IlgpuDevices.OpenCl.Count})"
                : IlgpuDevices.OpenCl[index].Refusal is { } why ? $"{spec} ({IlgpuDevices.OpenCl[index].Device.Name}) cannot run ILGPU kernels: {why}" : null,
            _ => $"unknown device '{spec}'",
        };
    }

    public static (string Kind, int Index) Parse(string spec)
    {
        var parts = spec.Trim().ToLowerInvariant().Split(':');
        if (parts.Length > 2 || parts[0].Length == 0) throw new ArgumentException($"unknown device '{spec}' (expected {Choices})");
        int index = 0;
        if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out index)))
            throw new ArgumentException($"device '{spec}': '{parts[1]}' is not a device number");
        return (parts[0], index);
    }

    private static string Name(string kind, int index) => string.Create(CultureInfo.InvariantCulture, $"{kind}:{index}");
}
