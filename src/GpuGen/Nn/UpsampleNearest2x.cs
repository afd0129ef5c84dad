using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>torch.nn.Upsample(scale_factor=2, mode="nearest"): [N,C,H,W] → [N,C,2H,2W].</summary>
public sealed class UpsampleNearest2x : Module, ILayer
{
    public UpsampleNearest2x(Device device) : base(device)
    {
    }

    public Tensor Forward(Tensor x) => Ops.UpsampleNearest2x(x);
}
