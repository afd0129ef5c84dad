namespace GpuGen.Backends.Cpu;

/// <summary>
/// The CPU backend's kernels: the managed twin of every device kernel. Split by theme over
/// CpuKernels.*.cs files; the heavy lifting of GEMM lives in <see cref="CpuGemm"/>.
/// </summary>
public sealed unsafe partial class CpuKernels : IKernels
{
    public void Gemm(in GemmArgs args, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        CpuGemm.Sgemm(args, P(a), P(b), P(c));
    }

    /// <summary>The host pointer of a CPU buffer; a buffer of another backend is a programming error.</summary>
    private static float* P(DeviceBuffer buffer) =>
        (buffer as CpuBuffer ?? throw new ArgumentException($"buffer belongs to another backend ({buffer.GetType().Name}), not the CPU")).Pointer;
}
