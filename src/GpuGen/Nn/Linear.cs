using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>y = x·Wᵀ + b, W [out, in], b [out] (torch.nn.Linear).</summary>
public sealed class Linear : Module, ILayer
{
    public Linear(Device device, int inFeatures, int outFeatures, Initializer init, bool bias = true) : base(device)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = Parameter("weight", init.KaimingUniform(device, inFeatures, outFeatures, inFeatures));
        Bias = bias ? Parameter("bias", init.KaimingUniform(device, inFeatures, outFeatures)) : null;
    }

    public int InFeatures { get; }

    public int OutFeatures { get; }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public Tensor Forward(Tensor x) => Ops.Linear(x, Weight, Bias);
}
