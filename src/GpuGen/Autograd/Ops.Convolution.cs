using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>
    /// y[N,Cout,Ho,Wo] = conv2d(x[N,Cin,H,W], w[Cout,Cin/G,kh,kw]) + b[Cout] (torch.nn.functional.conv2d).
    /// Backward: dx += convᵀ(dy, w), dw += Σₙ dyₙ ⋆ xₙ, db += Σ_{n,i,j} dy.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Conv2d(x, w, b, (stride, stride), (padding, padding), (dilation, dilation), groups);

    /// <inheritdoc cref="Conv2d(Tensor, Tensor, Tensor?, int, int, int, int)"/>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? b, (int H, int W) stride, (int H, int W) padding, (int H, int W) dilation, int groups = 1)
    {
        if (x.Rank != 4) throw ShapeError("Conv2d", $"input must be [N, C, H, W], got {x.Describe()}");
        if (w.Rank != 4) throw ShapeError("Conv2d", $"weight must be [Cout, Cin/groups, kh, kw], got {w.Describe()}");
        if (groups <= 0) throw ShapeError("Conv2d", $"groups must be positive, got {groups}");
        if (w.Dim(1) * groups != x.Dim(1))
            throw ShapeError("Conv2d", $"input {x.Describe()} has {x.Dim(1)} channels, weight {w.Describe()} with groups={groups} expects {w.Dim(1) * groups}");
        CheckBias("Conv2d", b, w.Dim(0));
        SameDevice(x, w, "Conv2d");
        var args = new Conv2dArgs(x.Dim(0), x.Dim(1), w.Dim(0), x.Dim(2), x.Dim(3), w.Dim(2), w.Dim(3),
            stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups);
        args.Validate();
        var y = Tensor.Empty(x.Device, [args.Batch, args.OutChannels, args.OutHeight, args.OutWidth]);
        var k = K(x);
        k.Conv2dForward(args, x.Buffer, w.Buffer, b?.Buffer, y.Buffer);

        return Record(Recording(x, w, b), y, dy =>
        {
            if (x.RequiresGrad)
            {
                var dx = x.GradToWrite(out bool overwrite);
                k.Conv2dBackwardData(args, dy.Buffer, w.Buffer, dx.Buffer, accumulate: !overwrite);
            }
            var db = b is { RequiresGrad: true } ? b.EnsureGrad().Buffer : null;
            if (w.RequiresGrad) k.Conv2dBackwardWeight(args, x.Buffer, dy.Buffer, w.EnsureGrad().Buffer, db);
            else if (db is not null) k.ChannelBiasBackward(args.Batch, args.OutChannels, args.OutHeight * args.OutWidth, dy.Buffer, db);
        });
    }

    /// <summary>
    /// y[N,Cout,Ho,Wo] = conv_transpose2d(x[N,Cin,H,W], w[Cin,Cout/G,kh,kw]) + b[Cout] (torch.nn.functional.conv_transpose2d),
    /// Ho = (H − 1)·stride − 2·padding + dilation·(kh − 1) + outputPadding + 1. It is the adjoint of the
    /// convolution of [N,Cout,Ho,Wo] into [N,Cin,H,W] with weight w, so it runs on that convolution's
    /// kernels: forward = its backward-data, dx = its forward, dw = its backward-weight with the roles of x and dy swapped.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1) =>
        ConvTranspose2d(x, w, b, (stride, stride), (padding, padding), (outputPadding, outputPadding), groups, (dilation, dilation));

    /// <inheritdoc cref="ConvTranspose2d(Tensor, Tensor, Tensor?, int, int, int, int, int)"/>
    public static Tensor ConvTranspose2d(Tensor x, Tensor w, Tensor? b, (int H, int W) stride, (int H, int W) padding, (int H, int W) outputPadding,
        int groups, (int H, int W) dilation)
    {
        if (x.Rank != 4) throw ShapeError("ConvTranspose2d", $"input must be [N, C, H, W], got {x.Describe()}");
        if (w.Rank != 4) throw ShapeError("ConvTranspose2d", $"weight must be [Cin, Cout/groups, kh, kw], got {w.Describe()}");
        if (groups <= 0) throw ShapeError("ConvTranspose2d", $"groups must be positive, got {groups}");
        if (w.Dim(0) != x.Dim(1))
            throw ShapeError("ConvTranspose2d", $"input {x.Describe()} has {x.Dim(1)} channels, weight {w.Describe()} expects {w.Dim(0)}");
        if (outputPadding.H < 0 || outputPadding.W < 0 || outputPadding.H >= stride.H || outputPadding.W >= stride.W)
            throw ShapeError("ConvTranspose2d", $"output padding ({outputPadding.H}, {outputPadding.W}) must be non-negative and smaller than the stride ({stride.H}, {stride.W})");
        int cout = w.Dim(1) * groups;
        CheckBias("ConvTranspose2d", b, cout);
        SameDevice(x, w, "ConvTranspose2d");
        int ho = (x.Dim(2) - 1) * stride.H - 2 * padding.H + dilation.H * (w.Dim(2) - 1) + outputPadding.H + 1;
        int wo = (x.Dim(3) - 1) * stride.W - 2 * padding.W + dilation.W * (w.Dim(3) - 1) + outputPadding.W + 1;
        if (ho <= 0 || wo <= 0) throw ShapeError("ConvTranspose2d", $"input {x.Describe()} with weight {w.Describe()} gives an empty {ho}×{wo} output");
        // The convolution this one transposes: [N,Cout,Ho,Wo] → [N,Cin,H,W].
        var args = new Conv2dArgs(x.Dim(0), cout, x.Dim(1), ho, wo, w.Dim(2), w.Dim(3),
            stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W, groups);
        args.Validate();
        if (args.OutHeight != x.Dim(2) || args.OutWidth != x.Dim(3))
            throw ShapeError("ConvTranspose2d", $"input {x.Describe()} is not the output size of a convolution of {ho}×{wo}");
        var y = Tensor.Empty(x.Device, [args.Batch, cout, ho, wo]);
        var k = K(x);
        k.Conv2dBackwardData(args, x.Buffer, w.Buffer, y.Buffer, accumulate: false);
        if (b is not null) k.ChannelBiasAdd(args.Batch, cout, ho * wo, b.Buffer, y.Buffer);

        return Record(Recording(x, w, b), y, dy =>
        {
            if (x.RequiresGrad) k.Conv2dForward(args, dy.Buffer, w.Buffer, null, x.EnsureGrad().Buffer, accumulate: true);
            if (w.RequiresGrad) k.Conv2dBackwardWeight(args, dy.Buffer, x.Buffer, w.EnsureGrad().Buffer, null);
            if (b is { RequiresGrad: true }) k.ChannelBiasBackward(args.Batch, cout, ho * wo, dy.Buffer, b.EnsureGrad().Buffer);
        });
    }

    /// <summary>
    /// A PixelCNN masked convolution (van den Oord et al. 2016): conv2d(x, w ⊙ mask) + b, stride 1,
    /// with the 0/1 mask of <see cref="Nn.ConvMasks"/>; the product is an op of its own, so dw = mask ⊙ dw′.
    /// </summary>
    public static Tensor MaskedConv2d(Tensor x, Tensor w, Tensor? b, Tensor mask, int padding) =>
        Conv2d(x, Mul(w, mask), b, 1, padding);

    private static void CheckBias(string op, Tensor? b, int channels)
    {
        if (b is not null && (b.Rank != 1 || b.Dim(0) != channels)) throw ShapeError(op, $"bias {b.Describe()} must be [{channels}]");
    }
}
