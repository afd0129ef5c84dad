namespace GpuGen.Backends.Gpu;

// The part of the contract whose device kernels are not written yet: GEMM, convolutions and the
// layer kernels. Each throws NotSupportedException naming the method and the dialect.
internal sealed partial class GpuKernels
{
    public void Gemm(in GemmArgs args, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c) => throw NotYet(nameof(Gemm));

    public void Conv2dForward(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y, bool accumulate = false) =>
        throw NotYet(nameof(Conv2dForward));

    public void Conv2dBackwardData(in Conv2dArgs args, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx) => throw NotYet(nameof(Conv2dBackwardData));

    public void Conv2dBackwardWeight(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, DeviceBuffer? dbias) =>
        throw NotYet(nameof(Conv2dBackwardWeight));

    public void ChannelBiasAdd(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer y) => throw NotYet(nameof(ChannelBiasAdd));

    public void ChannelBiasBackward(int batch, int channels, int spatial, DeviceBuffer dy, DeviceBuffer dbias) => throw NotYet(nameof(ChannelBiasBackward));
}
