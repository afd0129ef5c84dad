using GpuGen.Autograd;
using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>A parameter-free element-wise activation as a layer (SiLU, ReLU, …).</summary>
public sealed class Activation : Module, ILayer
{
    public Activation(Device device, UnaryOp op, float param = 0f) : base(device)
    {
        Op = op;
        Param = param;
    }

    public UnaryOp Op { get; }

    public float Param { get; }

    public Tensor Forward(Tensor x) => Ops.Unary(Op, x, Param);
}
