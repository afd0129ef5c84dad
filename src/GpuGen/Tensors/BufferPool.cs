using GpuGen.Backends;

namespace GpuGen.Tensors;

/// <summary>
/// Size-bucketed caching allocator (the idea of PyTorch's CUDA caching allocator, simplified): a
/// request is rounded up to a size class — four classes per power of two, so at most 25% is
/// wasted — and served from that class's free list when it can. Once a training step has run once,
/// every later step finds its buffers here and the driver is not called.
/// </summary>
public sealed class BufferPool : IDisposable
{
    private readonly IBackend backend;
    private readonly Dictionary<long, Stack<DeviceBuffer>> free = new();
    private readonly Lock gate = new();

    public BufferPool(IBackend backend) => this.backend = backend;

    /// <summary>Buffers handed out by the driver since the pool was made (a warm step adds none).</summary>
    public long DriverAllocations { get; private set; }

    /// <summary>Elements currently held in free lists.</summary>
    public long CachedElements { get; private set; }

    /// <summary>A buffer with at least <paramref name="length"/> elements; its contents are undefined.</summary>
    public DeviceBuffer Rent(long length)
    {
        long size = SizeClass(length);
        lock (gate)
        {
            if (free.TryGetValue(size, out var stack) && stack.Count > 0)
            {
                CachedElements -= size;
                return stack.Pop();
            }
            DriverAllocations++;
        }
        return backend.Allocate(size);
    }

    public void Return(DeviceBuffer buffer)
    {
        if (buffer.IsDisposed) return;
        lock (gate)
        {
            if (!free.TryGetValue(buffer.Length, out var stack))
                free[buffer.Length] = stack = new Stack<DeviceBuffer>();
            stack.Push(buffer);
            CachedElements += buffer.Length;
        }
    }

    /// <summary>Gives every cached buffer back to the driver.</summary>
    public void Trim()
    {
        lock (gate)
        {
            foreach (var stack in free.Values)
                while (stack.Count > 0) stack.Pop().Dispose();
            free.Clear();
            CachedElements = 0;
        }
    }

    public void Dispose() => Trim();

    /// <summary>Rounds up to 64 elements, then to one of four evenly spaced sizes per octave.</summary>
    public static long SizeClass(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= 64) return 64;
        int log = 63 - (int)long.LeadingZeroCount(length - 1);      // 2^log < length <= 2^(log+1)
        long step = Math.Max(64, (1L << log) / 4);
        return (length + step - 1) / step * step;
    }
}
