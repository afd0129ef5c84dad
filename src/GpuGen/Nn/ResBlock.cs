using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// The residual block of the DDPM UNet (Ho et al. 2020, App. B; bench/README.md d):
///   h = Conv3×3(SiLU(GroupNorm(x)));  h += Linear(SiLU(temb))[:, :, None, None];
///   h = Conv3×3(SiLU(GroupNorm(h)));  out = h + (Conv1×1(x) if Cin ≠ Cout else x).
/// The caller passes SiLU(temb) once for all blocks.
/// </summary>
public sealed class ResBlock : Module
{
    public ResBlock(Device device, int inChannels, int outChannels, int timeDim, int groups, Initializer init) : base(device)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Norm1 = Child("norm1", new GroupNorm(device, groups, inChannels));
        Conv1 = Child("conv1", new Conv2d(device, inChannels, outChannels, 3, init, padding: 1));
        TimeProjection = Child("time_proj", new Linear(device, timeDim, outChannels, init));
        Norm2 = Child("norm2", new GroupNorm(device, groups, outChannels));
        Conv2 = Child("conv2", new Conv2d(device, outChannels, outChannels, 3, init, padding: 1));
        Skip = inChannels != outChannels ? Child("skip", new Conv2d(device, inChannels, outChannels, 1, init)) : null;
    }

    public int InChannels { get; }

    public int OutChannels { get; }

    public GroupNorm Norm1 { get; }

    public Conv2d Conv1 { get; }

    public Linear TimeProjection { get; }

    public GroupNorm Norm2 { get; }

    public Conv2d Conv2 { get; }

    public Conv2d? Skip { get; }

    /// <summary>x [N, Cin, H, W], siluTemb = SiLU(temb) [N, timeDim] → [N, Cout, H, W].</summary>
    public Tensor Forward(Tensor x, Tensor siluTemb)
    {
        var h = Conv1.Forward(Norm1.ForwardSilu(x));
        h = Ops.AddChannelBias(h, TimeProjection.Forward(siluTemb));
        h = Conv2.Forward(Norm2.ForwardSilu(h));
        return Ops.Add(h, Skip?.Forward(x) ?? x);
    }
}
