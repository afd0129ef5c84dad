using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/ConvKernels.cs: direct convolutions (one thread per output, input or weight element, so every
// result is one thread's sum: deterministic, no atomics) and the per-channel bias kernels.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, ConvParams, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int>? convForward;
    private Action<KernelConfig, ConvParams, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? convBackwardData;
    private Action<KernelConfig, ConvParams, ArrayView<float>, ArrayView<float>, ArrayView<float>>? convBackwardWeight;
    private Action<KernelConfig, int, int, int, ArrayView<float>, ArrayView<float>>? channelBiasAdd, channelBiasBackward;

    public void Conv2dForward(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y, bool accumulate = false)
    {
        ConvBuffers(args, x, w, y);
        if (bias is not null) Need(bias, args.OutChannels, nameof(bias));
        lock (gate)
            Load(ref convForward, nameof(ConvKernels.Forward),
                static a => a.LoadStreamKernel<ConvParams, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int>(ConvKernels.Forward))
                (Flat(args.OutputLength), Geometry(args), F(x), F(w), F(bias), Flag(bias is not null), F(y), Flag(accumulate));
    }

    public void Conv2dBackwardData(in Conv2dArgs args, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, bool accumulate = true)
    {
        ConvBuffers(args, dx, w, dy, "dx", "dy");
        lock (gate)
            Load(ref convBackwardData, nameof(ConvKernels.BackwardData),
                static a => a.LoadStreamKernel<ConvParams, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ConvKernels.BackwardData))
                (Flat(args.InputLength), Geometry(args), F(dy), F(w), F(dx), Flag(accumulate));
    }

    public void Conv2dBackwardWeight(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, DeviceBuffer? dbias)
    {
        ConvBuffers(args, x, dw, dy, "x", "dy", "dw");
        if (dbias is not null) Need(dbias, args.OutChannels, nameof(dbias));
        lock (gate)
            Load(ref convBackwardWeight, nameof(ConvKernels.BackwardWeight),
                static a => a.LoadStreamKernel<ConvParams, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ConvKernels.BackwardWeight))
                (Flat(args.WeightLength), Geometry(args), F(x), F(dy), F(dw));
        if (dbias is not null) ChannelBiasBackward(args.Batch, args.OutChannels, args.OutHeight * args.OutWidth, dy, dbias);
    }

    public void ChannelBiasAdd(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer y)
    {
        long rows = BiasRows(batch, channels, spatial);
        if (rows == 0 || spatial == 0) return;
        Need(bias, channels, nameof(bias));
        int n = Count(rows * spatial, "batch·channels·spatial");
        Need(y, n, nameof(y));
        lock (gate)
            Load(ref channelBiasAdd, nameof(ConvKernels.ChannelBiasAdd),
                static a => a.LoadStreamKernel<int, int, int, ArrayView<float>, ArrayView<float>>(ConvKernels.ChannelBiasAdd))
                (Flat(n), (int)rows, channels, spatial, F(bias), F(y));
    }

    public void ChannelBiasBackward(int batch, int channels, int spatial, DeviceBuffer dy, DeviceBuffer dbias)
    {
        long rows = BiasRows(batch, channels, spatial);
        if (rows == 0 || spatial == 0) return;
        Need(dy, Count(rows * spatial, "batch·channels·spatial"), nameof(dy));
        Need(dbias, channels, nameof(dbias));
        Count((long)batch * spatial, "batch·spatial");
        lock (gate)
            Load(ref channelBiasBackward, nameof(ConvKernels.ChannelBiasBackward),
                static a => a.LoadStreamKernel<int, int, int, ArrayView<float>, ArrayView<float>>(ConvKernels.ChannelBiasBackward))
                (Rows(channels), batch, channels, spatial, F(dy), F(dbias));
    }

    /// <summary>Validates the geometry and the three buffers (image, weight, output-shaped).</summary>
    private static void ConvBuffers(in Conv2dArgs args, DeviceBuffer image, DeviceBuffer weight, DeviceBuffer output,
        string imageName = "x", string outputName = "y", string weightName = "w")
    {
        args.Validate();
        Need(image, Count(args.InputLength, "input length"), imageName);
        Need(weight, Count(args.WeightLength, "weight length"), weightName);
        Need(output, Count(args.OutputLength, "output length"), outputName);
    }

    private static ConvParams Geometry(in Conv2dArgs a) => new()
    {
        Batch = a.Batch, Cin = a.InChannels, Cout = a.OutChannels, Height = a.Height, Width = a.Width,
        Kh = a.KernelH, Kw = a.KernelW, Sh = a.StrideH, Sw = a.StrideW, Ph = a.PadH, Pw = a.PadW,
        Dh = a.DilationH, Dw = a.DilationW, Groups = a.Groups, OutH = a.OutHeight, OutW = a.OutWidth,
    };

    private static long BiasRows(int batch, int channels, int spatial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch, nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(channels, nameof(channels));
        ArgumentOutOfRangeException.ThrowIfNegative(spatial, nameof(spatial));
        return (long)batch * channels;
    }
}
