using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// One invertible step of a normalizing flow on x [N, D]: the forward map (data → latent) with its
/// log-determinant, and the inverse (latent → data) for sampling.
/// </summary>
public interface IFlowLayer
{
    /// <summary>y = f(x) and log|det ∂f/∂x|, either per example [N] or, when it does not depend on x, one value [1].</summary>
    (Tensor Y, Tensor LogDet) Forward(Tensor x);

    /// <summary>x = f⁻¹(y).</summary>
    Tensor Inverse(Tensor y);
}
