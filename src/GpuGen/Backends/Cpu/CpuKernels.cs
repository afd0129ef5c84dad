namespace GpuGen.Backends.Cpu;

/// <summary>
/// The CPU backend's kernels: the managed twin of every device kernel. Split by theme over
/// CpuKernels.*.cs files; the heavy lifting of GEMM lives in <see cref="CpuGemm"/>.
/// </summary>
/// <remarks>
/// Every kernel method with a loop carries <c>[MethodImpl(MethodImplOptions.AggressiveOptimization)]</c>:
/// tiered compilation would first run it as tier-0 code (no inlining, so each SIMD operator of
/// <see cref="IVec{TV}"/> is a call), and a kernel launched once per step reaches tier 1 only after
/// ~30 calls (60 with the PGO stage) plus a background JIT that competes for the same two cores.
/// The 17-step sampling benchmark measured DiffusionStep and TimestepEmbedding 10× and GaussianFill
/// 2–4× slower than their optimized code that way. New kernels follow the same rule.
/// </remarks>
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
