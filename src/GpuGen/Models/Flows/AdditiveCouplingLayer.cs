using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// NICE's additive coupling (Dinh et al. 2015, eq. 5–6): y = x + (1 − m)·t(x·m); volume-preserving,
/// log|det| = 0. One fused kernel after the net (<see cref="Ops.AdditiveCoupling"/>).
/// </summary>
public sealed class AdditiveCouplingLayer : Module, IFlowLayer
{
    private readonly Tensor mask;
    private readonly Tensor zero;

    public AdditiveCouplingLayer(Device device, float[] mask, int hidden, int hiddenLayers, Initializer init) : base(device)
    {
        int dim = mask.Length;
        this.mask = Tensor.FromArray(device, mask, dim);
        zero = Tensor.Zeros(device, 1);
        T = Child("t", new CouplingNet(device, dim, hidden, hiddenLayers, init));
    }

    public CouplingNet T { get; }

    public (Tensor Y, Tensor LogDet) Forward(Tensor x) => (Ops.AdditiveCoupling(x, mask, T.Forward(Ops.Mul(x, mask))), zero);

    public Tensor Inverse(Tensor y) => Ops.AdditiveCoupling(y, mask, T.Forward(Ops.Mul(y, mask)), inverse: true);

    public override void Dispose()
    {
        mask.Dispose();
        zero.Dispose();
        base.Dispose();
    }
}
