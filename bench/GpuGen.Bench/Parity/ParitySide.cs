using GpuGen.Backends;

namespace GpuGen.Bench.Parity;

/// <summary>
/// One side of a parity check (the device, or the `cpu` reference): uploads the case's host arrays,
/// hands out outputs poisoned with NaN (an element a kernel forgets to write then fails the
/// comparison), reads results back, and frees every buffer it made when disposed.
/// </summary>
public sealed class ParitySide(IBackend backend) : IDisposable
{
    private readonly List<DeviceBuffer> owned = [];

    public IBackend Backend { get; } = backend;

    public IKernels K => Backend.Kernels;

    public DeviceBuffer In(float[] values)
    {
        var buffer = Track(Backend.Allocate(values.Length));
        Backend.Write(buffer, 0, values);
        return buffer;
    }

    public DeviceBuffer In(int[] values)
    {
        var buffer = Track(Backend.Allocate(values.Length));
        Backend.Write(buffer, 0, values);
        return buffer;
    }

    /// <summary>n elements, all NaN: an output the kernel must overwrite completely.</summary>
    public DeviceBuffer Poisoned(long n)
    {
        var nan = new float[n];
        Array.Fill(nan, float.NaN);
        return In(nan);
    }

    /// <summary>The whole buffer as floats, after every launch so far has finished.</summary>
    public float[] Read(DeviceBuffer buffer)
    {
        Backend.Synchronize();
        var values = new float[buffer.Length];
        Backend.Read(buffer, 0, values);
        return values;
    }

    /// <summary>The whole buffer as int32 values, widened to float for the comparison.</summary>
    public float[] ReadInts(DeviceBuffer buffer)
    {
        Backend.Synchronize();
        var values = new int[buffer.Length];
        Backend.Read(buffer, 0, values);
        return Array.ConvertAll(values, v => (float)v);
    }

    public void Dispose()
    {
        foreach (var buffer in owned) buffer.Dispose();
        owned.Clear();
    }

    private DeviceBuffer Track(DeviceBuffer buffer)
    {
        owned.Add(buffer);
        return buffer;
    }
}
