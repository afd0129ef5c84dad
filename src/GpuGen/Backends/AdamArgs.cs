namespace GpuGen.Backends;

/// <summary>
/// One fused Adam/AdamW update (Kingma &amp; Ba 2015, Alg. 1; Loshchilov &amp; Hutter 2019 for the
/// decoupled weight decay). Bias corrections 1-β₁ᵗ and 1-β₂ᵗ are computed on the host in float64.
/// Coupled decay (Adam): g += wd·p. Decoupled (AdamW): p -= lr·wd·p before the Adam update.
/// </summary>
public readonly record struct AdamArgs(
    float LearningRate, float Beta1, float Beta2, float Epsilon, float WeightDecay, bool Decoupled,
    float BiasCorrection1, float BiasCorrection2);
