using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// Deterministic parameter initialisation: each tensor drawn gets the next Philox stream of one
/// seed, so a model built with the same seed has bit-identical weights on every backend.
/// Defaults follow PyTorch 1.13 (Linear/Conv: kaiming_uniform(a=√5), i.e. U(±1/√fan_in), for weights
/// and biases).
/// </summary>
public sealed class Initializer
{
    private ulong nextStream;

    public Initializer(ulong seed) => Seed = seed;

    public ulong Seed { get; }

    /// <summary>U(−bound, bound) with bound = 1/√fan_in.</summary>
    public Tensor KaimingUniform(Device device, int fanIn, params int[] shape) =>
        Uniform(device, 1f / MathF.Sqrt(Math.Max(1, fanIn)), shape);

    public Tensor Uniform(Device device, float bound, params int[] shape)
    {
        return Ops.Uniform(device, shape, Seed, nextStream++, 0, -bound, bound);
    }

    /// <summary>N(mean, std²), e.g. torch.nn.Embedding's N(0, 1).</summary>
    public Tensor Normal(Device device, float mean, float std, params int[] shape)
    {
        return Ops.Gaussian(device, shape, Seed, nextStream++, 0, mean, std);
    }

    public Tensor Constant(Device device, float value, params int[] shape)
    {
        nextStream++;
        return Tensor.Full(device, shape, value);
    }
}
