using GpuGen.Backends.Gpu;

namespace GpuGen.Backends.OpenCL;

/// <summary>A cl_mem of <see cref="DeviceBuffer.Length"/> 4-byte elements.</summary>
internal sealed class OpenClBuffer(long length, ClHandle memory) : GpuBuffer(length)
{
    public override nint Handle => memory.DangerousGetHandle();

    protected override void Free() => memory.Dispose();
}
