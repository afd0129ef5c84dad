using GpuGen.Backends.Gpu;

namespace GpuGen.Backends.Cuda;

/// <summary>Device memory from cuMemAlloc; the pointer is the kernel argument.</summary>
internal sealed class CudaBuffer(long length, ulong pointer, CudaDriver owner) : GpuBuffer(length)
{
    public override nint Handle => (nint)pointer;

    public ulong Pointer => pointer;

    public CudaDriver Owner => owner;

    protected override void Free() => owner.Free(pointer);
}

/// <summary>A CUevent recorded on the driver's stream (timing enabled).</summary>
internal sealed class CudaEvent(CudaDriver owner, nint handle) : GpuEvent
{
    public CudaDriver Owner => owner;

    public nint Handle => handle;

    public bool IsDisposed { get; private set; }

    public override void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        owner.DestroyEvent(handle);
    }
}

/// <summary>A CUmodule loaded from PTX; kernels are its functions by name.</summary>
internal sealed unsafe class CudaProgram(string name, nint module, CudaDriver owner) : GpuProgram
{
    private bool disposed;

    public override GpuKernel Kernel(string kernel)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        owner.MakeCurrent();
        nint function;
        var bytes = System.Text.Encoding.UTF8.GetBytes(kernel + "\0");
        int status;
        fixed (byte* b = bytes) status = Cu.cuModuleGetFunction(&function, module, b);
        if (status != Cu.Success) throw new CudaException($"cuModuleGetFunction ({kernel} in {name})", status);
        return new CudaKernel(kernel, function);
    }

    public override void Dispose()
    {
        if (disposed) return;
        disposed = true;
        owner.Unload(module);
    }
}

/// <summary>A CUfunction: owned by its module, so disposing it frees nothing.</summary>
internal sealed class CudaKernel(string name, nint function) : GpuKernel(name)
{
    public nint Function => function;

    public override void Dispose()
    {
    }
}
