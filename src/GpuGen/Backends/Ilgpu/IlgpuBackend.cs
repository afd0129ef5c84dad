using System.Globalization;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuGen.Backends.Ilgpu;

/// <summary>
/// A device driven by ILGPU: "cuda:N" (CudaAccelerator), "opencl:N" (CLAccelerator) or "ilgpu-cpu"
/// (ILGPU's CPU accelerator: the GPU kernels on CPU threads, shared memory, barriers and atomics
/// emulated — for tests, and for stepping through a kernel in a debugger). Memory, copies and
/// <see cref="IlgpuKernels"/>, which implements the whole kernel contract once for every accelerator.
/// Launches are asynchronous on the accelerator's default stream; reads wait for them.
/// </summary>
public sealed class IlgpuBackend : IBackend
{
    private readonly Accelerator accelerator;
    private readonly IlgpuKernels kernels;

    private IlgpuBackend(string name, Accelerator accelerator, DeviceInfo info)
    {
        Name = name;
        this.accelerator = accelerator;
        Info = info;
        kernels = new IlgpuKernels(accelerator, name);
    }

    /// <summary>ILGPU's CPU accelerator ("ilgpu-cpu").</summary>
    public static IlgpuBackend Cpu()
    {
        var device = IlgpuDevices.Context.GetCPUDevice(0);
        var info = new DeviceInfo(
            Name: "ILGPU CPU accelerator",
            Kind: "ilgpu-cpu",
            Driver: $"ILGPU {IlgpuDevices.IlgpuVersion} CPU accelerator",
            ComputeUnits: device.NumMultiprocessors,
            MemoryBytes: GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            MaxWorkGroupSize: device.MaxNumThreadsPerGroup,
            Details: string.Create(CultureInfo.InvariantCulture,
                $"the device kernels on CPU threads (groups of {device.MaxNumThreadsPerGroup}, shared memory and barriers emulated); a correctness device, not a fast one"));
        return new IlgpuBackend("ilgpu-cpu", device.CreateAccelerator(IlgpuDevices.Context), info);
    }

    /// <summary>CUDA device <paramref name="index"/>; an error naming the count (or why there is none) when it does not exist.</summary>
    public static IlgpuBackend Cuda(int index)
    {
        var devices = IlgpuDevices.Cuda;
        if (index < 0 || index >= devices.Count)
            throw new ArgumentException(devices.Count == 0
                ? $"device 'cuda:{index}' is not available: {IlgpuDevices.CudaAbsence}"
                : $"device 'cuda:{index}' is not available: there are {devices.Count} CUDA devices (cuda:0 … cuda:{devices.Count - 1})");
        var device = devices[index];
        var backend = new IlgpuBackend(DeviceName("cuda", index), device.CreateAccelerator(IlgpuDevices.Context), DescribeCuda(device));
        // GPUGEN_GEMM=cublas: every GEMM through cuBLAS (an opt-in for training; the default is the hand-written kernel).
        if (Environment.GetEnvironmentVariable("GPUGEN_GEMM") is "cublas") backend.UseCuBlas = true;
        return backend;
    }

    /// <summary>OpenCL device <paramref name="index"/>; an error with ILGPU's reason when it cannot drive it.</summary>
    public static IlgpuBackend OpenCl(int index)
    {
        var devices = IlgpuDevices.OpenCl;
        if (index < 0 || index >= devices.Count)
            throw new ArgumentException(devices.Count == 0
                ? $"device 'opencl:{index}' is not available: no OpenCL device found (is an OpenCL driver installed?)"
                : $"device 'opencl:{index}' is not available: there are {devices.Count} OpenCL devices (opencl:0 … opencl:{devices.Count - 1})");
        var (device, refusal) = devices[index];
        if (refusal is not null)
            throw new ArgumentException($"device 'opencl:{index}' ({device.Name}) cannot run GpuGen's kernels: {refusal}");
        return new IlgpuBackend(DeviceName("opencl", index), device.CreateAccelerator(IlgpuDevices.Context), IlgpuDevices.Describe(device, null));
    }

    /// <summary>What `gpugen devices` prints for a CUDA device, without opening it.</summary>
    public static DeviceInfo DescribeCuda(CudaDevice device) => IlgpuDevices.Describe(device, "cuda",
        $"ILGPU {IlgpuDevices.IlgpuVersion} on the CUDA driver {device.DriverVersion}",
        string.Create(CultureInfo.InvariantCulture,
            $"{device.Architecture?.ToString() ?? "unknown architecture"}, {device.ClockRate / 1000} MHz, {device.NumMultiprocessors} SMs, L2 {device.L2CacheSize >> 20} MiB"));

    public string Name { get; }

    public DeviceInfo Info { get; }

    public IKernels Kernels => kernels;

    /// <summary>The ILGPU accelerator (for cuBLAS and benchmarks).</summary>
    public Accelerator Accelerator => accelerator;

    /// <summary>Whether GEMMs can go through cuBLAS here (a CUDA device; the library itself is loaded on first use).</summary>
    public bool SupportsCuBlas => accelerator is CudaAccelerator;

    /// <summary>GEMMs through cuBLAS instead of the hand-written kernel (CUDA only; see <see cref="IlgpuKernels.UseCuBlas"/>).</summary>
    public bool UseCuBlas
    {
        get => kernels.UseCuBlas;
        set => kernels.UseCuBlas = value;
    }

    /// <summary>Turns cuBLAS GEMMs on; false with the reason when the device or the library does not allow it.</summary>
    public bool TryUseCuBlas(out string? why)
    {
        try
        {
            UseCuBlas = true;
            why = null;
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            why = e.Message;
            return false;
        }
    }

    /// <summary>Whether this is ILGPU's CPU accelerator.</summary>
    public bool IsCpuAccelerator => accelerator is CPUAccelerator;

    public DeviceBuffer Allocate(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new IlgpuBuffer(accelerator, length);
    }

    public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<float> src)
    {
        if (src.Length == 0) return;
        View(dst, dstOffset, src.Length).CopyFromCPU(accelerator.DefaultStream, src);
    }

    public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<int> src)
    {
        if (src.Length == 0) return;
        View(dst, dstOffset, src.Length).Cast<int>().CopyFromCPU(accelerator.DefaultStream, src);
    }

    public void Read(DeviceBuffer src, long srcOffset, Span<float> dst)
    {
        if (dst.Length == 0) return;
        View(src, srcOffset, dst.Length).CopyToCPU(accelerator.DefaultStream, dst);
        accelerator.DefaultStream.Synchronize();
    }

    public void Read(DeviceBuffer src, long srcOffset, Span<int> dst)
    {
        if (dst.Length == 0) return;
        View(src, srcOffset, dst.Length).Cast<int>().CopyToCPU(accelerator.DefaultStream, dst);
        accelerator.DefaultStream.Synchronize();
    }

    public void Synchronize() => accelerator.Synchronize();

    public void Dispose()
    {
        kernels.Dispose();
        accelerator.Dispose();
    }

    private ArrayView<float> View(DeviceBuffer buffer, long offset, int count)
    {
        var b = buffer as IlgpuBuffer ?? throw new ArgumentException($"buffer belongs to another backend ({buffer.GetType().Name}), not {Name}");
        if (b.Accelerator != accelerator) throw new ArgumentException($"buffer belongs to another ILGPU device, not {Name}");
        if (offset < 0 || offset + count > b.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"copy of {count} elements at {offset} overruns a buffer of {b.Length}");
        return b.Floats.SubView(offset, count);
    }

    private static string DeviceName(string kind, int index) => string.Create(CultureInfo.InvariantCulture, $"{kind}:{index}");
}
