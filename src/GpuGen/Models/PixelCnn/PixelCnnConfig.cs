using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GpuGen.Models.PixelCnn;

/// <summary>
/// Everything that defines a PixelCNN run ("pixelcnn"); stored as JSON in its checkpoints. The defaults
/// are the pixelcnn_step network of bench/README.md: a 7×7 mask-A convolution to 64 channels, five
/// residual 3×3 mask-B layers, a 1×1 64→64 and a 1×1 64→256 head, Adam lr 1e-3, batch 32.
/// </summary>
public sealed record PixelCnnConfig : IModelConfig<PixelCnnConfig>
{
    public static JsonTypeInfo<PixelCnnConfig> JsonInfo { get; } = ConfigJson.Contract<PixelCnnConfig>(PixelCnnConfigJson.Default);

    /// <summary>Where the training images come from (a --data spec: fashion-mnist, idx:DIR, folder:DIR).</summary>
    public string Data { get; init; } = "fashion-mnist";

    public int Height { get; init; } = 28;

    public int Width { get; init; } = 28;

    /// <summary>Feature channels of every hidden layer.</summary>
    public int Channels { get; init; } = 64;

    /// <summary>Residual mask-B 3×3 layers after the mask-A input layer.</summary>
    public int ResidualLayers { get; init; } = 5;

    /// <summary>Number of classes for a learned per-layer label bias (0: unconditional).</summary>
    public int Classes { get; init; }

    [JsonPropertyName("lr")]
    public float LearningRate { get; init; } = 1e-3f;

    public int Batch { get; init; } = 32;

    public ulong Seed { get; init; }

    /// <summary>Intensity levels per pixel (the softmax width).</summary>
    public const int Levels = 256;

    /// <summary>Rows (and columns) above (beside) a pixel that its logits depend on: 3 for mask A, 1 per mask-B layer.</summary>
    public int Reach => 3 + ResidualLayers;

    public void Validate()
    {
        if (Height < 1 || Width < 1) throw new ArgumentException($"image size must be positive, got {Height}×{Width}");
        if (Channels < 1) throw new ArgumentException($"channels must be positive, got {Channels}");
        if (ResidualLayers < 0) throw new ArgumentException($"residual layers must be 0 or more, got {ResidualLayers}");
        if (Classes < 0) throw new ArgumentException($"classes must be 0 (unconditional) or more, got {Classes}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (Batch < 1) throw new ArgumentException($"batch must be positive, got {Batch}");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Height}×{Width} images, PixelCNN {Channels} channels × (1 mask-A 7×7 + {ResidualLayers} residual mask-B 3×3), "
        + $"{(Classes > 0 ? $"{Classes} classes (label bias)" : "unconditional")}, batch {Batch}, lr {LearningRate}");
}

/// <summary>The JSON contract of <see cref="PixelCnnConfig"/>, generated at compile time; <see cref="ConfigJson.Contract{T}"/> gives it the configs' options.</summary>
[JsonSerializable(typeof(PixelCnnConfig))]
internal sealed partial class PixelCnnConfigJson : JsonSerializerContext;
