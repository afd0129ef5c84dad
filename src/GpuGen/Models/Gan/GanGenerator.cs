using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>A GAN generator: z [N, latent] (and int labels [N] when conditional) → samples [N, …].</summary>
public abstract class GanGenerator(Device device) : Module(device)
{
    public abstract Tensor Forward(Tensor z, Tensor? labels);
}
