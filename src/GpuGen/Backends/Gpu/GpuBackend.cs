using System.Runtime.InteropServices;

namespace GpuGen.Backends.Gpu;

/// <summary>
/// What every GPU backend is, whatever its driver: element offsets turned into byte offsets for the
/// driver's copies, the shared launch layer as <see cref="IKernels"/>, and disposal in order
/// (kernels before the driver that owns their programs). CUDA and OpenCL differ only in how they
/// find and open a device.
/// </summary>
public abstract class GpuBackend : IBackend
{
    public abstract string Name { get; }

    public abstract DeviceInfo Info { get; }

    public IKernels Kernels => Launcher;

    internal abstract GpuKernels Launcher { get; }

    private protected abstract IGpuDriver GpuDriver { get; }

    public DeviceBuffer Allocate(long length) => GpuDriver.Allocate(length);

    public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<float> src) =>
        GpuDriver.Write(dst, dstOffset * sizeof(float), MemoryMarshal.AsBytes(src));

    public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<int> src) =>
        GpuDriver.Write(dst, dstOffset * sizeof(int), MemoryMarshal.AsBytes(src));

    public void Read(DeviceBuffer src, long srcOffset, Span<float> dst) =>
        GpuDriver.Read(src, srcOffset * sizeof(float), MemoryMarshal.AsBytes(dst));

    public void Read(DeviceBuffer src, long srcOffset, Span<int> dst) =>
        GpuDriver.Read(src, srcOffset * sizeof(int), MemoryMarshal.AsBytes(dst));

    public void Synchronize() => GpuDriver.Synchronize();

    public void Dispose()
    {
        Launcher.Dispose();
        GpuDriver.Dispose();
        GC.SuppressFinalize(this);
    }
}
