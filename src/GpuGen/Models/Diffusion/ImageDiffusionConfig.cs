using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GpuGen.Nn;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Everything that defines an image diffusion run ("ddpm-image"); stored as JSON in its checkpoints.
/// The network defaults are the ddpm_unet_step UNet of bench/README.md (32/64/64, one ResBlock
/// per level); the rest follows improved DDPM (cosine schedule, T = 1000) and classifier-free
/// guidance (p_uncond = 0.1) when <see cref="Classes"/> &gt; 0.
/// </summary>
public sealed record ImageDiffusionConfig : IModelConfig<ImageDiffusionConfig>
{
    public static JsonTypeInfo<ImageDiffusionConfig> JsonInfo { get; } = ConfigJson.Contract<ImageDiffusionConfig>(ImageDiffusionConfigJson.Default);

    /// <summary>Where the training images come from (a --data spec: fashion-mnist, idx:DIR, folder:DIR).</summary>
    public string Data { get; init; } = "fashion-mnist";

    public int ImageChannels { get; init; } = 1;

    public int Height { get; init; } = 28;

    public int Width { get; init; } = 28;

    /// <summary>Channels per UNet level, finest first.</summary>
    public int[] Channels { get; init; } = [32, 64, 64];

    public int BlocksPerLevel { get; init; } = 1;

    /// <summary>Width of the time (and label) embedding MLP; the sinusoidal embedding is half as wide.</summary>
    public int TimeDim { get; init; } = 256;

    public int Groups { get; init; } = 8;

    public bool Attention { get; init; }

    /// <summary>Number of classes for class conditioning (0: unconditional).</summary>
    public int Classes { get; init; }

    /// <summary>Probability that a training label is replaced by "no label" (classifier-free guidance).</summary>
    public float PUncond { get; init; } = 0.1f;

    public string Schedule { get; init; } = "cosine";

    public int Timesteps { get; init; } = 1000;

    public double BetaStart { get; init; } = 1e-4;

    public double BetaEnd { get; init; } = 0.02;

    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;

    [JsonPropertyName("lr")]
    public float LearningRate { get; init; } = 2e-4f;

    public int Batch { get; init; } = 128;

    public ulong Seed { get; init; }

    /// <summary>EMA decay (with the num_updates warm-up); 0 turns the average off.</summary>
    public float EmaDecay { get; init; } = 0.9999f;

    public UNetConfig Network => new(ImageChannels, Channels, BlocksPerLevel, TimeEmbeddingDim: Math.Max(4, TimeDim / 2 / 2 * 2), TimeDim, Groups, Classes, Attention);

    public void Validate()
    {
        if (ImageChannels < 1 || Height < 1 || Width < 1) throw new ArgumentException($"bad image shape {ImageChannels}×{Height}×{Width}");
        Network.Validate();
        int divisor = 1 << (Channels.Length - 1);
        if (Height % divisor != 0 || Width % divisor != 0)
            throw new ArgumentException($"a UNet with {Channels.Length} levels needs the image size divisible by {divisor}, got {Height}×{Width} (use fewer levels)");
        if (TimeDim < 4) throw new ArgumentException($"time embedding width must be at least 4, got {TimeDim}");
        if (!(PUncond >= 0 && PUncond < 1)) throw new ArgumentException($"p_uncond must be in [0, 1), got {PUncond}");
        if (Batch < 1) throw new ArgumentException($"batch size must be positive, got {Batch}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new ArgumentException($"EMA decay must be in [0, 1), got {EmaDecay}");
        NoiseSchedule.Create(Schedule, Timesteps, BetaStart, BetaEnd);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ImageChannels}×{Height}×{Width} images, UNet {string.Join("/", Channels)}×{BlocksPerLevel}{(Attention ? "+attn" : "")}, "
        + $"{(Classes > 0 ? $"{Classes} classes (p_uncond {PUncond})" : "unconditional")}, T={Timesteps} ({Schedule}), "
        + $"{Diffusion.Prediction.Name(Prediction)}-prediction, batch {Batch}, lr {LearningRate}, EMA {EmaDecay}");
}

/// <summary>The JSON contract of <see cref="ImageDiffusionConfig"/>, generated at compile time; <see cref="ConfigJson.Contract{T}"/> gives it the configs' options.</summary>
[JsonSerializable(typeof(ImageDiffusionConfig))]
internal sealed partial class ImageDiffusionConfigJson : JsonSerializerContext;
