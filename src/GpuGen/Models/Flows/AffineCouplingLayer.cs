using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// RealNVP's affine coupling (Dinh et al. 2017, eq. 7–9) with separate s- and t-nets on the masked
/// input: xm = x·m, s = tanh(s_net(xm))·(1 − m), t = t_net(xm)·(1 − m), y = xm + (1 − m)·(x·eˢ + t),
/// log|det| = Σ s. Everything after the nets is one fused kernel (<see cref="Ops.AffineCoupling"/>).
/// </summary>
public sealed class AffineCouplingLayer : Module, IFlowLayer
{
    private readonly Tensor mask;

    public AffineCouplingLayer(Device device, float[] mask, int hidden, int hiddenLayers, Initializer init) : base(device)
    {
        int dim = mask.Length;
        this.mask = Tensor.FromArray(device, mask, dim);
        S = Child("s", new CouplingNet(device, dim, hidden, hiddenLayers, init));
        T = Child("t", new CouplingNet(device, dim, hidden, hiddenLayers, init));
    }

    public CouplingNet S { get; }

    public CouplingNet T { get; }

    public (Tensor Y, Tensor LogDet) Forward(Tensor x)
    {
        var xm = Ops.Mul(x, mask);
        return Ops.AffineCoupling(x, mask, S.Forward(xm), T.Forward(xm));
    }

    public Tensor Inverse(Tensor y)
    {
        // The pass-through half is unchanged, so the nets see the same input as in the forward pass.
        var ym = Ops.Mul(y, mask);
        return Ops.AffineCouplingInverse(y, mask, S.Forward(ym), T.Forward(ym)).X;
    }

    public override void Dispose()
    {
        mask.Dispose();
        base.Dispose();
    }
}
