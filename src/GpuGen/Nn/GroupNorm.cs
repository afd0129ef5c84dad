using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// torch.nn.GroupNorm(groups, channels, eps, affine): normalises x [N,C,…] over each group of
/// C/groups channels (Wu &amp; He 2018), then y = x̂·weight[c] + bias[c] (weight 1, bias 0 at init).
/// </summary>
public sealed class GroupNorm : Module, ILayer
{
    public GroupNorm(Device device, int groups, int channels, float eps = 1e-5f, bool affine = true) : base(device)
    {
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentException($"GroupNorm: {groups} groups do not divide {channels} channels");
        Groups = groups;
        Channels = channels;
        Eps = eps;
        Weight = affine ? Parameter("weight", Tensor.Full(device, [channels], 1f)) : null;
        Bias = affine ? Parameter("bias", Tensor.Zeros(device, channels)) : null;
    }

    public int Groups { get; }

    public int Channels { get; }

    public float Eps { get; }

    public Tensor? Weight { get; }

    public Tensor? Bias { get; }

    public Tensor Forward(Tensor x) => Ops.GroupNorm(x, Groups, Weight, Bias, Eps);

    /// <summary>SiLU(Forward(x)) in one kernel pass (see <see cref="Ops.GroupNormSilu"/>).</summary>
    public Tensor ForwardSilu(Tensor x) => Ops.GroupNormSilu(x, Groups, Weight, Bias, Eps);
}
