using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// A <see cref="UNet"/> as the ε-model of a diffusion trainer or sampler. For a class-conditional
/// UNet, <see cref="Labels"/> holds the labels of the current batch for the two-argument
/// <see cref="PredictNoise(Tensor, Tensor)"/> (the "no label" index gives the unconditional prediction).
/// </summary>
public sealed class UNetDenoiser(UNet net) : IConditionalEpsModel
{
    public UNet Net { get; } = net;

    public Tensor? Labels { get; set; }

    public int Classes => Net.Config.Classes;

    public Tensor PredictNoise(Tensor xt, Tensor t) => Net.Forward(xt, t, Labels);

    public Tensor PredictNoise(Tensor xt, Tensor t, Tensor labels) => Net.Forward(xt, t, labels);

    public IEnumerable<Tensor> Parameters() => Net.Parameters();
}
