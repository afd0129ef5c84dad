using GpuGen.Backends;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// The conditioner of a coupling layer: Linear(D, H) ReLU [Linear(H, H) ReLU] × (hiddenLayers − 1) Linear(H, D).
/// With D = 784, H = 512 and two hidden layers it is the s-net / t-net of the realnvp_mlp_step
/// workload (1,066,768 parameters).
/// </summary>
public sealed class CouplingNet : Module, ILayer
{
    private readonly Sequential net;

    public CouplingNet(Device device, int dim, int hidden, int hiddenLayers, Initializer init) : base(device)
    {
        if (dim < 1 || hidden < 1 || hiddenLayers < 1)
            throw new ArgumentException($"coupling net needs positive sizes, got dim {dim}, hidden {hidden}, hidden layers {hiddenLayers}");
        net = new Sequential(device);
        int width = dim;
        for (int i = 0; i < hiddenLayers; i++)
        {
            net.Add(new Linear(device, width, hidden, init));
            net.Add(new Activation(device, UnaryOp.Relu));
            width = hidden;
        }
        net.Add(new Linear(device, width, dim, init));
        Child("net", net);
    }

    public Tensor Forward(Tensor x) => net.Forward(x);
}
