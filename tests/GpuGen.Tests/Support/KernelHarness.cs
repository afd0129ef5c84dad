using GpuGen.Backends;
using GpuGen.Backends.Cpu;

namespace GpuGen.Tests.Support;

/// <summary>
/// A backend plus the chores of a kernel test: upload arrays, allocate outputs poisoned with NaN
/// (so an element the kernel forgets to write fails the comparison), read results back. Buffers it
/// hands out are disposed with the harness. Pass another backend to run the same test on a device.
/// </summary>
public sealed class KernelHarness : IDisposable
{
    private readonly List<DeviceBuffer> owned = [];
    private readonly bool ownsBackend;

    public KernelHarness(IBackend? backend = null)
    {
        ownsBackend = backend is null;
        Backend = backend ?? new CpuBackend();
    }

    public IBackend Backend { get; }

    public IKernels K => Backend.Kernels;

    public DeviceBuffer Upload(float[] values) => Track(Write(Backend.Allocate(values.Length), values));

    public DeviceBuffer Upload(int[] values)
    {
        var buffer = Track(Backend.Allocate(values.Length));
        Backend.Write(buffer, 0, values);
        return buffer;
    }

    /// <summary>A buffer of n elements, all NaN.</summary>
    public DeviceBuffer Poisoned(long n) => Track(Write(Backend.Allocate(n), Enumerable.Repeat(float.NaN, checked((int)n)).ToArray()));

    /// <summary>A one-element buffer holding <paramref name="value"/> (dLoss for loss backward kernels).</summary>
    public DeviceBuffer Scalar(float value) => Upload([value]);

    public float[] Read(DeviceBuffer buffer, long n = -1)
    {
        Backend.Synchronize();
        var result = new float[n < 0 ? buffer.Length : n];
        Backend.Read(buffer, 0, result);
        return result;
    }

    public int[] ReadInts(DeviceBuffer buffer, long n = -1)
    {
        Backend.Synchronize();
        var result = new int[n < 0 ? buffer.Length : n];
        Backend.Read(buffer, 0, result);
        return result;
    }

    public void Dispose()
    {
        foreach (var buffer in owned) buffer.Dispose();
        if (ownsBackend) Backend.Dispose();
    }

    private DeviceBuffer Write(DeviceBuffer buffer, float[] values)
    {
        Backend.Write(buffer, 0, values);
        return buffer;
    }

    private DeviceBuffer Track(DeviceBuffer buffer)
    {
        owned.Add(buffer);
        return buffer;
    }
}
