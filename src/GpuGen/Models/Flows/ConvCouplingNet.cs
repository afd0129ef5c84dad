using GpuGen.Autograd;
using GpuGen.Backends;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// The conditioner of a convolutional coupling layer (a small version of RealNVP's ResNet, Dinh et al.
/// 2017, section 4.1): Conv3×3(C → F), then <c>blocks</c> residual blocks h + Conv3×3(ReLU(Conv3×3(ReLU h))),
/// ReLU, Conv3×3(F → 2C). The output holds the raw scale (channels 0…C−1) and the shift (C…2C−1). The
/// last convolution starts at zero, so every coupling starts as the identity.
/// </summary>
public sealed class ConvCouplingNet : Module, ILayer
{
    private readonly Sequential net;

    public ConvCouplingNet(Device device, int channels, int filters, int blocks, Initializer init) : base(device)
    {
        if (channels < 1 || filters < 1 || blocks < 0)
            throw new ArgumentException($"conv coupling net needs positive sizes, got channels {channels}, filters {filters}, blocks {blocks}");
        net = new Sequential(device);
        net.Add(new Conv2d(device, channels, filters, 3, init, padding: 1));
        for (int b = 0; b < blocks; b++) net.Add(new Residual(device, filters, init));
        net.Add(new Activation(device, UnaryOp.Relu));
        var last = new Conv2d(device, filters, 2 * channels, 3, init, padding: 1);
        last.Weight.CopyFrom(new float[last.Weight.Length]);
        last.Bias!.CopyFrom(new float[last.Bias.Length]);
        net.Add(last);
        Child("net", net);
    }

    /// <summary>[N, C, H, W] → [N, 2C, H, W].</summary>
    public Tensor Forward(Tensor x) => net.Forward(x);

    private sealed class Residual : Module, ILayer
    {
        private readonly Conv2d first, second;

        public Residual(Device device, int filters, Initializer init) : base(device)
        {
            first = Child("conv1", new Conv2d(device, filters, filters, 3, init, padding: 1));
            second = Child("conv2", new Conv2d(device, filters, filters, 3, init, padding: 1));
        }

        public Tensor Forward(Tensor h) => Ops.Add(h, second.Forward(Ops.Relu(first.Forward(Ops.Relu(h)))));
    }
}
