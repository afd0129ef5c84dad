using System.Runtime.InteropServices;

namespace GpuGen.Backends.OpenCL;

/// <summary>What an OpenCL object is, so <see cref="ClHandle"/> knows which clRelease* to call.</summary>
internal enum ClObject
{
    Context,
    Queue,
    Memory,
    Program,
    Kernel,
    Event,
}

/// <summary>An owned OpenCL object, released once by the matching clRelease* call.</summary>
internal sealed class ClHandle : SafeHandle
{
    private readonly ClObject kind;

    public ClHandle(nint handle, ClObject kind) : base(0, ownsHandle: true)
    {
        this.kind = kind;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle() => kind switch
    {
        ClObject.Context => Cl.clReleaseContext(handle),
        ClObject.Queue => Cl.clReleaseCommandQueue(handle),
        ClObject.Memory => Cl.clReleaseMemObject(handle),
        ClObject.Program => Cl.clReleaseProgram(handle),
        ClObject.Event => Cl.clReleaseEvent(handle),
        _ => Cl.clReleaseKernel(handle),
    } == Cl.Success;
}
