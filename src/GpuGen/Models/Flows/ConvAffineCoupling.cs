using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// RealNVP's affine coupling on images [N, C, H, W] (Dinh et al. 2017, eq. 7–9) with a checkerboard or
/// channel mask m [C, H, W] (1 = passes through). One conv net sees x·m and gives (ŝ, t);
/// s = a·tanh(ŝ)·(1 − m) with a learned per-feature scale a (starting at 1), y = x·eˢ + t·(1 − m),
/// log|det| = Σ s. On the pass-through half s = 0 and t·(1 − m) = 0, so y = x there exactly, which
/// makes the inverse x = (y − t·(1 − m))·e⁻ˢ exact with the same net input.
/// </summary>
public sealed class ConvAffineCoupling : Module, IFlowLayer
{
    private readonly Tensor mask;
    private readonly Tensor inverseMask;
    private readonly int channels, height, width;

    public ConvAffineCoupling(Device device, float[] mask, int channels, int height, int width, int filters, int blocks, Initializer init) : base(device)
    {
        if (mask.Length != channels * height * width)
            throw new ArgumentException($"conv coupling: mask of {mask.Length} values for {channels}×{height}×{width} features");
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.mask = Tensor.FromArray(device, mask, channels, height, width);
        inverseMask = Tensor.FromArray(device, mask.Select(m => 1 - m).ToArray(), channels, height, width);
        Scale = Parameter("scale", Tensor.Full(device, [channels, height, width], 1f));
        Net = Child("net", new ConvCouplingNet(device, channels, filters, blocks, init));
    }

    public ConvCouplingNet Net { get; }

    /// <summary>a [C, H, W], the learned bound of s.</summary>
    public Tensor Scale { get; }

    public (Tensor Y, Tensor LogDet) Forward(Tensor x)
    {
        var (s, t) = ScaleAndShift(x);
        var y = Ops.Add(Ops.Mul(x, Ops.Exp(s)), t);
        return (y, Ops.SumAxis(s.Reshape(x.Dim(0), -1), 1));
    }

    public Tensor Inverse(Tensor y)
    {
        var (s, t) = ScaleAndShift(y);
        return Ops.Mul(Ops.Sub(y, t), Ops.Exp(Ops.Neg(s)));
    }

    /// <summary>s = a·tanh(ŝ)·(1 − m) and t·(1 − m) from the pass-through half of x (which x and y share).</summary>
    private (Tensor S, Tensor T) ScaleAndShift(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != channels || x.Dim(2) != height || x.Dim(3) != width)
            throw new ArgumentException($"conv coupling: input must be [N, {channels}, {height}, {width}], got {x.Describe()}");
        var h = Net.Forward(Ops.Mul(x, mask));
        var s = Ops.Mul(Ops.Tanh(Ops.Narrow(h, 1, 0, channels)), Ops.Mul(Scale, inverseMask));
        var t = Ops.Mul(Ops.Narrow(h, 1, channels, channels), inverseMask);
        return (s, t);
    }

    public override void Dispose()
    {
        mask.Dispose();
        inverseMask.Dispose();
        base.Dispose();
    }
}
