using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// y = conv2d(x, W) + b, W [Cout, Cin/groups, k, k], b [Cout] (torch.nn.Conv2d). PyTorch's default
/// init: W and b ~ U(±1/√fan_in), fan_in = Cin/groups·k·k.
/// </summary>
public sealed class Conv2d : Module, ILayer
{
    public Conv2d(Device device, int inChannels, int outChannels, int kernelSize, Initializer init,
        int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true) : base(device)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: channels {inChannels}→{outChannels} must be divisible by groups ({groups})");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        Groups = groups;
        int fanIn = inChannels / groups * kernelSize * kernelSize;
        Weight = Parameter("weight", init.KaimingUniform(device, fanIn, outChannels, inChannels / groups, kernelSize, kernelSize));
        Bias = bias ? Parameter("bias", init.KaimingUniform(device, fanIn, outChannels)) : null;
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelSize { get; }

    public int Stride { get; }

    public int Padding { get; }

    public int Dilation { get; }

    public int Groups { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public Tensor Forward(Tensor x) => Ops.Conv2d(x, Weight, Bias, Stride, Padding, Dilation, Groups);
}
