using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// A class-conditional denoiser: labels int [B] in 0 … Classes, where label <see cref="Classes"/> is
/// "no label" (the unconditional model that classifier-free guidance mixes in).
/// </summary>
public interface IConditionalEpsModel : IEpsModel
{
    /// <summary>Number of real classes; also the "no label" index.</summary>
    int Classes { get; }

    Tensor PredictNoise(Tensor xt, Tensor t, Tensor labels);
}
