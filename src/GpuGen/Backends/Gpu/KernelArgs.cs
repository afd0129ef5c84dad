using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Gpu;

/// <summary>
/// Kernel arguments packed in place, without allocation: each is one 8-byte word plus its size in
/// bytes (4 for int/float, 8 for 64-bit integers, pointer size for buffers). OpenCL hands each word
/// to clSetKernelArg; CUDA will pass pointers to the words to cuLaunchKernel.
/// </summary>
internal struct KernelArgs
{
    public const int Max = 24;

    private Words words;
    private Sizes sizes;

    public int Count { get; private set; }

    public readonly ulong Word(int i) => words[i];

    public readonly int Size(int i) => sizes[i];

    /// <summary>A buffer argument; null passes a null pointer (the kernel must not touch it).</summary>
    public void Buffer(DeviceBuffer? buffer)
    {
        nint handle = buffer switch
        {
            null => 0,
            GpuBuffer gpu => Live(gpu).Handle,
            _ => throw new ArgumentException($"buffer belongs to another backend ({buffer.GetType().Name})"),
        };
        Push((ulong)handle, IntPtr.Size);
    }

    public void Int(int value) => Push(unchecked((uint)value), sizeof(int));

    public void Bool(bool value) => Push(value ? 1u : 0u, sizeof(int));

    public void Float(float value) => Push(BitConverter.SingleToUInt32Bits(value), sizeof(float));

    public void Long(long value) => Push(unchecked((ulong)value), sizeof(long));

    public void ULong(ulong value) => Push(value, sizeof(ulong));

    private void Push(ulong word, int size)
    {
        if (Count == Max) throw new InvalidOperationException($"a kernel takes at most {Max} arguments");
        words[Count] = word;
        sizes[Count] = (byte)size;
        Count++;
    }

    private static GpuBuffer Live(GpuBuffer buffer)
    {
        ObjectDisposedException.ThrowIf(buffer.IsDisposed, buffer);
        return buffer;
    }

    [InlineArray(Max)]
    private struct Words
    {
        private ulong first;
    }

    [InlineArray(Max)]
    private struct Sizes
    {
        private byte first;
    }
}
