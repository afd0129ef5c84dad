using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// y = conv_transpose2d(x, W) + b, W [Cin, Cout/groups, k, k], b [Cout] (torch.nn.ConvTranspose2d).
/// PyTorch's default init computes fan_in from the weight's second axis: fan_in = Cout/groups·k·k.
/// </summary>
public sealed class ConvTranspose2d : Module, ILayer
{
    public ConvTranspose2d(Device device, int inChannels, int outChannels, int kernelSize, Initializer init,
        int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, bool bias = true, int dilation = 1) : base(device)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"ConvTranspose2d: channels {inChannels}→{outChannels} must be divisible by groups ({groups})");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        OutputPadding = outputPadding;
        Groups = groups;
        Dilation = dilation;
        int fanIn = outChannels / groups * kernelSize * kernelSize;
        Weight = Parameter("weight", init.KaimingUniform(device, fanIn, inChannels, outChannels / groups, kernelSize, kernelSize));
        Bias = bias ? Parameter("bias", init.KaimingUniform(device, fanIn, outChannels)) : null;
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelSize { get; }

    public int Stride { get; }

    public int Padding { get; }

    public int OutputPadding { get; }

    public int Groups { get; }

    public int Dilation { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public Tensor Forward(Tensor x) => Ops.ConvTranspose2d(x, Weight, Bias, Stride, Padding, OutputPadding, Groups, Dilation);
}
