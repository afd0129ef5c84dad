using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>A GAN discriminator: samples [N, …] (and int labels [N] when conditional) → logits [N, 1].</summary>
public abstract class GanDiscriminator(Device device) : Module(device)
{
    public abstract Tensor Forward(Tensor x, Tensor? labels);

    /// <summary>
    /// γ/2 · mean over examples of ‖∇ₓ D(xᵢ)‖², as a tensor on the current tape whose backward gives the
    /// penalty's gradient with respect to D's parameters; null when this discriminator cannot build it.
    /// </summary>
    public virtual Tensor? R1Penalty(Tensor real, Tensor? labels, float gamma) => null;

    /// <summary>Every spectral-norm σ of the last forward (empty without spectral normalization).</summary>
    public virtual IReadOnlyList<double> Sigmas => [];
}
