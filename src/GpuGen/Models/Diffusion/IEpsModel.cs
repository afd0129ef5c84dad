using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>A network that predicts the noise ε in xₜ, given xₜ [B, …] and int timesteps t [B].</summary>
public interface IEpsModel
{
    Tensor PredictNoise(Tensor xt, Tensor t);

    IEnumerable<Tensor> Parameters();
}
