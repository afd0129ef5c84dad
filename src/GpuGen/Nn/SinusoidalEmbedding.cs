using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// The sinusoidal timestep embedding as a layer (no parameters): int t [B] → [B, dim],
/// [sin(t·fᵢ), cos(t·fᵢ)] with fᵢ = exp(−ln(10000)·i/(dim/2 − 1)) (Vaswani et al. 2017, §3.5).
/// </summary>
public sealed class SinusoidalEmbedding : Module, ILayer
{
    public SinusoidalEmbedding(Device device, int dim) : base(device)
    {
        if (dim < 4 || dim % 2 != 0) throw new ArgumentException($"embedding size must be even and at least 4, got {dim}");
        Dim = dim;
    }

    public int Dim { get; }

    public Tensor Forward(Tensor t) => Ops.TimestepEmbedding(t, Dim);
}
