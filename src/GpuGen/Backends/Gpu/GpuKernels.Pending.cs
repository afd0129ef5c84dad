namespace GpuGen.Backends.Gpu;

// The part of the contract whose device kernels are not written yet: GEMM, convolutions and the
// layer kernels. Each throws NotSupportedException naming the method and the dialect.
internal sealed partial class GpuKernels
{
    public void Gemm(in GemmArgs args, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) => throw NotYet(nameof(Gemm));
}
