using System.Runtime.InteropServices;

namespace GpuGen.Backends.Cpu;

/// <summary>Host memory aligned to 64 bytes (one cache line, one Vector512) for the CPU backend.</summary>
public sealed unsafe class CpuBuffer : DeviceBuffer
{
    private void* pointer;

    public CpuBuffer(long length) : base(length)
    {
        pointer = NativeMemory.AlignedAlloc((nuint)Math.Max(1, length) * sizeof(float), 64);
        GC.AddMemoryPressure(Math.Max(1, length) * sizeof(float));
    }

    public float* Pointer => (float*)Live();

    public int* IntPointer => (int*)Live();

    public Span<float> Floats => new(Live(), checked((int)Length));

    public Span<int> Ints => new(Live(), checked((int)Length));

    private void* Live()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return pointer;
    }

    protected override void Free()
    {
        if (pointer == null) return;
        NativeMemory.AlignedFree(pointer);
        pointer = null;
        GC.RemoveMemoryPressure(Math.Max(1, Length) * sizeof(float));
    }
}
