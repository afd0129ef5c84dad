using GpuGen.Backends.Gpu;

namespace GpuGen.Backends.OpenCL;

/// <summary>A marker cl_event on one driver's queue, released on dispose.</summary>
internal sealed class OpenClEvent(OpenClDriver owner, ClHandle evt) : GpuEvent
{
    public OpenClDriver Owner { get; } = owner;

    public nint Handle => evt.DangerousGetHandle();

    public bool IsDisposed => evt.IsClosed;

    public override void Dispose() => evt.Dispose();
}
