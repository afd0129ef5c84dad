using System.Text;
using GpuGen.Backends.Gpu;

namespace GpuGen.Backends.OpenCL;

/// <summary>A built cl_program; kernels are created on request.</summary>
internal sealed unsafe class OpenClProgram(ClHandle program, string name) : GpuProgram
{
    public override GpuKernel Kernel(string kernel)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(kernel + "\0");
        int status;
        nint handle;
        fixed (byte* b = bytes) handle = Cl.clCreateKernel(program.DangerousGetHandle(), b, &status);
        if (status != Cl.Success) throw new OpenClException($"clCreateKernel ({kernel} in {name})", status);
        return new OpenClKernel(kernel, new ClHandle(handle, ClObject.Kernel));
    }

    public override void Dispose() => program.Dispose();
}

/// <summary>A cl_kernel.</summary>
internal sealed class OpenClKernel(string name, ClHandle kernel) : GpuKernel(name)
{
    public nint Handle => kernel.DangerousGetHandle();

    public override void Dispose() => kernel.Dispose();
}
