namespace GpuGen.Models.Diffusion;

/// <summary>What the network predicts from xₜ (diffusers' prediction_type).</summary>
public enum PredictionType
{
    /// <summary>The noise ε (Ho et al. 2020).</summary>
    Epsilon,

    /// <summary>The clean sample x₀.</summary>
    Sample,

    /// <summary>The velocity v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans &amp; Ho 2022, §4).</summary>
    V,
}
