using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GpuGen.Data;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Everything that defines a 2-D toy diffusion run; stored as JSON in its checkpoints. The
/// defaults are the ddpm_2d_step workload of bench/README.md.
/// </summary>
public sealed record ToyDiffusionConfig(
    string Data = "8gaussians",
    int Hidden = 128,
    int HiddenLayers = 3,
    int EmbeddingDim = 32,
    int Timesteps = 1000,
    double BetaStart = 1e-4,
    double BetaEnd = 0.02,
    string Schedule = "linear",
    [property: JsonPropertyName("lr")] float LearningRate = 1e-3f,
    int Batch = 1024,
    ulong Seed = 0,
    float EmaDecay = 0.995f) : IModelConfig<ToyDiffusionConfig>
{
    public static JsonTypeInfo<ToyDiffusionConfig> JsonInfo { get; } = ConfigJson.Contract<ToyDiffusionConfig>(ToyDiffusionConfigJson.Default);

    /// <summary>The toy's canonical name ("twomoons" is stored as "moons"); first in the JSON, as in the parameter list.</summary>
    [JsonPropertyOrder(-1)]
    public string Data { get; init => field = ToyData.Canonical(value); } = ToyData.Canonical(Data);

    public EpsMlpConfig Network => new(DataDim: 2, EmbeddingDim, Hidden, HiddenLayers);

    public void Validate()
    {
        if (!ToyData.IsToy(Data)) throw new ArgumentException($"unknown toy distribution '{Data}' (expected one of {string.Join(", ", ToyData.Names)})");
        Network.Validate();
        if (Batch < 1) throw new ArgumentException($"batch size must be positive, got {Batch}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new ArgumentException($"EMA decay must be in [0, 1), got {EmaDecay}");
        NoiseSchedule.Create(Schedule, Timesteps, BetaStart, BetaEnd);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Data}, MLP {Network.DataDim + EmbeddingDim}→{Hidden}×{HiddenLayers}→2, T={Timesteps} ({Schedule}), batch {Batch}, lr {LearningRate}");
}

/// <summary>The JSON contract of <see cref="ToyDiffusionConfig"/>, generated at compile time; <see cref="ConfigJson.Contract{T}"/> gives it the configs' options.</summary>
[JsonSerializable(typeof(ToyDiffusionConfig))]
internal sealed partial class ToyDiffusionConfigJson : JsonSerializerContext;
