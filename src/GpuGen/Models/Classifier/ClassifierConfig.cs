using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GpuGen.Models.Classifier;

/// <summary>
/// Everything that defines an <see cref="ImageClassifier"/> and how it is trained; stored as JSON in its
/// checkpoints. The defaults reach ≥ 92% test accuracy on Fashion-MNIST (see the README's numbers).
/// </summary>
public sealed record ClassifierConfig(
    int Channels = 1,
    int Height = 28,
    int Width = 28,
    int Classes = 10,
    int Width1 = 32,
    int Width2 = 64,
    int Width3 = 128,
    int FeatureDim = 128,
    float Dropout = 0.3f,
    [property: JsonPropertyName("lr")] float LearningRate = 2e-3f,
    int Batch = 128,
    int Steps = 4000,
    ulong Seed = 0,
    bool FlipAugment = true,
    string Data = "",
    string DataFingerprint = "") : IModelConfig<ClassifierConfig>
{
    public static JsonTypeInfo<ClassifierConfig> JsonInfo { get; } = ConfigJson.Contract<ClassifierConfig>(ClassifierConfigJson.Default);

    public void Validate()
    {
        if (Channels < 1) throw new ArgumentException($"classifier: image channels must be positive, got {Channels}");
        if (Height < 4 || Width < 4 || Height % 4 != 0 || Width % 4 != 0)
            throw new ArgumentException($"classifier: images must be at least 4×4 with sides divisible by 4 (two 2×2 poolings), got {Height}×{Width}");
        if (Classes < 2) throw new ArgumentException($"classifier: needs at least two classes, got {Classes}");
        if (Width1 < 1 || Width2 < 1 || Width3 < 1) throw new ArgumentException($"classifier: convolution widths must be positive, got {Width1}, {Width2}, {Width3}");
        if (FeatureDim < 2) throw new ArgumentException($"classifier: feature dimension must be at least 2, got {FeatureDim}");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"classifier: dropout must be in [0, 1), got {Dropout}");
        if (!(LearningRate > 0)) throw new ArgumentException($"classifier: learning rate must be positive, got {LearningRate}");
        if (Batch < 2) throw new ArgumentException($"classifier: batch size must be at least 2 (batch normalization), got {Batch}");
        if (Steps < 1) throw new ArgumentException($"classifier: steps must be positive, got {Steps}");
    }

    /// <summary>The network's shape and training recipe only, without the data: the part a cache key hashes.</summary>
    public string RecipeJson() => ConfigJson.Write(this with { Data = "", DataFingerprint = "" });

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"CNN {Channels}×{Height}×{Width} → conv {Width1}, {Width2}, {Width3} → {FeatureDim} features → {Classes} classes; Adam lr {LearningRate} (cosine), batch {Batch}, {Steps} steps{(FlipAugment ? ", random flips" : "")}");
}

/// <summary>The JSON contract of <see cref="ClassifierConfig"/>, generated at compile time; <see cref="ConfigJson.Contract{T}"/> gives it the configs' options.</summary>
[JsonSerializable(typeof(ClassifierConfig))]
internal sealed partial class ClassifierConfigJson : JsonSerializerContext;
