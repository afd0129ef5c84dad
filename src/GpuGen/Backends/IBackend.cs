namespace GpuGen.Backends;

/// <summary>
/// What a device offers the engine: memory, copies, the kernels of <see cref="IKernels"/> and a
/// way to wait for them. Launches may be asynchronous (in order on one queue); reads block until
/// the data is there.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>Short name used on the command line, e.g. "cpu", "opencl:0", "cuda:0".</summary>
    string Name { get; }

    DeviceInfo Info { get; }

    IKernels Kernels { get; }

    /// <summary>Allocates uninitialized memory for <paramref name="length"/> 4-byte elements.</summary>
    DeviceBuffer Allocate(long length);

    void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<float> src);

    void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<int> src);

    void Read(DeviceBuffer src, long srcOffset, Span<float> dst);

    void Read(DeviceBuffer src, long srcOffset, Span<int> dst);

    /// <summary>Blocks until every launch issued so far has finished.</summary>
    void Synchronize();
}
