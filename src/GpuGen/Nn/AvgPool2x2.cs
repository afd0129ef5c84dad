using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>torch.nn.AvgPool2d(2): the mean of each 2×2 window, [N,C,H,W] → [N,C,H/2,W/2] (floored).</summary>
public sealed class AvgPool2x2 : Module, ILayer
{
    public AvgPool2x2(Device device) : base(device)
    {
    }

    public Tensor Forward(Tensor x) => Ops.AvgPool2x2(x);
}
