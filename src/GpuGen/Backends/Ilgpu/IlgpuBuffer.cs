using ILGPU;
using ILGPU.Runtime;

namespace GpuGen.Backends.Ilgpu;

/// <summary>Device memory of an ILGPU accelerator: 4-byte elements, viewed as float or int by the kernel that reads them.</summary>
internal sealed class IlgpuBuffer : DeviceBuffer
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> memory;

    public IlgpuBuffer(Accelerator accelerator, long length) : base(length)
    {
        // ILGPU refuses empty buffers: a zero-length buffer holds one unused element.
        memory = accelerator.Allocate1D<float>(Math.Max(1, length));
        Accelerator = accelerator;
    }

    public Accelerator Accelerator { get; }

    public ArrayView<float> Floats => memory.View.BaseView.SubView(0, Length);

    public ArrayView<int> Ints => Floats.Cast<int>();

    protected override void Free()
    {
        // From the finalizer the accelerator may already be gone (with every buffer it owned).
        if (!Accelerator.IsDisposed) memory.Dispose();
    }
}
