namespace GpuGen.Backends.Gpu;

// The part of the contract whose device kernels are not written yet: convolutions and the
// layer kernels. Each throws NotSupportedException naming the method and the dialect.
internal sealed partial class GpuKernels
{
    public void Conv2dForward(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y, bool accumulate = false) =>
        throw NotYet(nameof(Conv2dForward));

    public void Conv2dBackwardData(in Conv2dArgs args, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx) => throw NotYet(nameof(Conv2dBackwardData));

    public void Conv2dBackwardWeight(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, DeviceBuffer? dbias) =>
        throw NotYet(nameof(Conv2dBackwardWeight));

    public void ChannelBiasAdd(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer y) => throw NotYet(nameof(ChannelBiasAdd));

    public void ChannelBiasBackward(int batch, int channels, int spatial, DeviceBuffer dy, DeviceBuffer dbias) => throw NotYet(nameof(ChannelBiasBackward));

    public void AvgPool2x2(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y) => throw NotYet(nameof(AvgPool2x2));

    public void AvgPool2x2Backward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx) => throw NotYet(nameof(AvgPool2x2Backward));

    public void UpsampleNearest2x(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y) => throw NotYet(nameof(UpsampleNearest2x));

    public void UpsampleNearest2xBackward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx) => throw NotYet(nameof(UpsampleNearest2xBackward));

    public void GroupNormForward(int batch, int channels, int spatial, int groups, float eps,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd) =>
        throw NotYet(nameof(GroupNormForward));

    public void GroupNormBackward(int batch, int channels, int spatial, int groups,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer dy,
        DeviceBuffer? dx, DeviceBuffer? dGamma, DeviceBuffer? dBeta) => throw NotYet(nameof(GroupNormBackward));

    public void BatchNormForward(int batch, int channels, int spatial, bool training, float momentum, float eps,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta, DeviceBuffer? runningMean, DeviceBuffer? runningVar,
        DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd) => throw NotYet(nameof(BatchNormForward));

    public void BatchNormBackward(int batch, int channels, int spatial, bool training,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer dy,
        DeviceBuffer? dx, DeviceBuffer? dGamma, DeviceBuffer? dBeta) => throw NotYet(nameof(BatchNormBackward));

    public void EmbeddingForward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer table, DeviceBuffer y) =>
        throw NotYet(nameof(EmbeddingForward));

    public void EmbeddingBackward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer dy, DeviceBuffer dTable) =>
        throw NotYet(nameof(EmbeddingBackward));

    public void DropoutForward(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer x, DeviceBuffer y) =>
        throw NotYet(nameof(DropoutForward));

    public void DropoutBackward(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer dy, DeviceBuffer dx) =>
        throw NotYet(nameof(DropoutBackward));
}
