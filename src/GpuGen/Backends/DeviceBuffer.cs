namespace GpuGen.Backends;

/// <summary>
/// A block of device memory holding <see cref="Length"/> 4-byte elements (float32 or int32; the
/// kernel that reads it decides which). Buffers come from a backend and normally live in the
/// <see cref="Tensors.Device"/> pool; disposing one returns its memory to the driver.
/// </summary>
public abstract class DeviceBuffer : IDisposable
{
    protected DeviceBuffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    /// <summary>Number of 4-byte elements.</summary>
    public long Length { get; }

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Free();
        GC.SuppressFinalize(this);
    }

    ~DeviceBuffer() => Free();

    /// <summary>Returns the memory to the driver; called once, from Dispose or the finalizer.</summary>
    protected abstract void Free();
}
