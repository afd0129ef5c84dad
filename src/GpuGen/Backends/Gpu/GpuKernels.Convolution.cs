namespace GpuGen.Backends.Gpu;

// kernels/conv.cl: direct convolutions (one work-item per output, input or weight element, so every
// result is one work-item's sum: deterministic, no atomics) and the per-channel bias kernels.
internal sealed partial class GpuKernels
{
    private const string Conv = "conv.cl";

    public void Conv2dForward(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y, bool accumulate = false)
    {
        ConvBuffers(args, x, w, y);
        if (bias is not null) Need(bias, args.OutChannels, nameof(bias));
        var a = ConvGeometry(args);
        a.Buffer(x);
        a.Buffer(w);
        a.Buffer(bias);
        a.Buffer(y);
        a.Bool(accumulate);
        Launch(Conv, "conv2d_forward", LaunchGrid.Planar((long)args.OutHeight * args.OutWidth, (long)args.Batch * args.OutChannels, Cols2d, Rows2d), a);
    }

    public void Conv2dBackwardData(in Conv2dArgs args, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, bool accumulate = true)
    {
        ConvBuffers(args, dx, w, dy, "dx", "dy");
        var a = ConvGeometry(args);
        a.Buffer(dy);
        a.Buffer(w);
        a.Buffer(dx);
        a.Bool(accumulate);
        Launch(Conv, "conv2d_backward_data", LaunchGrid.Planar((long)args.Height * args.Width, (long)args.Batch * args.InChannels, Cols2d, Rows2d), a);
    }

    public void Conv2dBackwardWeight(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, DeviceBuffer? dbias)
    {
        ConvBuffers(args, x, dw, dy, "x", "dy", "dw");
        if (dbias is not null) Need(dbias, args.OutChannels, nameof(dbias));
        var a = ConvGeometry(args);
        a.Buffer(x);
        a.Buffer(dy);
        a.Buffer(dw);
        Launch(Conv, "conv2d_backward_weight", LaunchGrid.Planar(args.PatchSize, args.OutChannels, Cols2d, Rows2d), a);
        if (dbias is not null) ChannelBiasBackward(args.Batch, args.OutChannels, args.OutHeight * args.OutWidth, dy, dbias);
    }

    public void ChannelBiasAdd(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer y)
    {
        long rows = BiasRows(batch, channels, spatial);
        if (rows == 0 || spatial == 0) return;
        Need(bias, channels, nameof(bias));
        Need(y, Count(rows * spatial, "batch·channels·spatial"), nameof(y));
        var a = new KernelArgs();
        a.Int((int)rows);
        a.Int(channels);
        a.Int(spatial);
        a.Buffer(bias);
        a.Buffer(y);
        Launch(Conv, "channel_bias_add", LaunchGrid.Planar(spatial, rows, Cols2d, Rows2d), a);
    }

    public void ChannelBiasBackward(int batch, int channels, int spatial, DeviceBuffer dy, DeviceBuffer dbias)
    {
        long rows = BiasRows(batch, channels, spatial);
        if (rows == 0 || spatial == 0) return;
        Need(dy, Count(rows * spatial, "batch·channels·spatial"), nameof(dy));
        Need(dbias, channels, nameof(dbias));
        Count((long)batch * spatial, "batch·spatial");
        var a = new KernelArgs();
        a.Int(batch);
        a.Int(channels);
        a.Int(spatial);
        a.Buffer(dy);
        a.Buffer(dbias);
        Launch(Conv, "channel_bias_backward", LaunchGrid.Groups(channels, group), a);
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

    /// <summary>The kernels' CONV_GEOMETRY: Conv2dArgs in order, then the output height and width.</summary>
    private static KernelArgs ConvGeometry(in Conv2dArgs args)
    {
        var a = new KernelArgs();
        a.Int(args.Batch);
        a.Int(args.InChannels);
        a.Int(args.OutChannels);
        a.Int(args.Height);
        a.Int(args.Width);
        a.Int(args.KernelH);
        a.Int(args.KernelW);
        a.Int(args.StrideH);
        a.Int(args.StrideW);
        a.Int(args.PadH);
        a.Int(args.PadW);
        a.Int(args.DilationH);
        a.Int(args.DilationW);
        a.Int(args.Groups);
        a.Int(args.OutHeight);
        a.Int(args.OutWidth);
        return a;
    }

    private static long BiasRows(int batch, int channels, int spatial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch, nameof(batch));
        ArgumentOutOfRangeException.ThrowIfNegative(channels, nameof(channels));
        ArgumentOutOfRangeException.ThrowIfNegative(spatial, nameof(spatial));
        return (long)batch * channels;
    }
}
