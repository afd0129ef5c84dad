using System.Text.Json.Serialization;

namespace GpuGen.Models.Diffusion;

/// <summary>What the network predicts from xₜ (diffusers' prediction_type); configs store it as eps, x0 or v.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PredictionType>))]
public enum PredictionType
{
    /// <summary>The noise ε (Ho et al. 2020).</summary>
    [JsonStringEnumMemberName("eps")]
    Epsilon,

    /// <summary>The clean sample x₀.</summary>
    [JsonStringEnumMemberName("x0")]
    Sample,

    /// <summary>The velocity v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans &amp; Ho 2022, §4).</summary>
    [JsonStringEnumMemberName("v")]
    V,
}
