using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// PixelCNN's masked convolution: a stride-1 "same" Conv2d (padding k/2) whose weight is multiplied by a
/// fixed 0/1 mask (<see cref="ConvMasks"/>) at every forward, so masked taps get no gradient either.
/// Init as <see cref="Conv2d"/> (the mask is applied to the full PyTorch-initialised weight).
/// </summary>
public sealed class MaskedConv2d : Module, ILayer
{
    public MaskedConv2d(Device device, ConvMaskKind kind, int inChannels, int outChannels, int kernelSize, Initializer init, bool bias = true) : base(device)
    {
        if (kernelSize % 2 == 0) throw new ArgumentException($"MaskedConv2d: the kernel size must be odd (it has a centre), got {kernelSize}");
        Kind = kind;
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        int fanIn = inChannels * kernelSize * kernelSize;
        Weight = Parameter("weight", init.KaimingUniform(device, fanIn, outChannels, inChannels, kernelSize, kernelSize));
        Bias = bias ? Parameter("bias", init.KaimingUniform(device, fanIn, outChannels)) : null;
        Mask = ConvMasks.Create(device, kind, outChannels, inChannels, kernelSize);
    }

    public ConvMaskKind Kind { get; }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelSize { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    /// <summary>The fixed mask [Cout, Cin, k, k] (not a parameter).</summary>
    public Tensor Mask { get; }

    public Tensor Forward(Tensor x) => Ops.MaskedConv2d(x, Weight, Bias, Mask, KernelSize / 2);

    public override void Dispose()
    {
        Mask.Dispose();
        base.Dispose();
    }
}
