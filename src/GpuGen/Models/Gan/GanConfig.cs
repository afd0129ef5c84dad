using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GpuGen.Models.Gan;

/// <summary>
/// Everything that defines a GAN run ("gan"); stored as JSON in its checkpoints. "dcgan" is the
/// dcgan_step pair of bench/README.md for images (H and W divisible by 4; 28×28 as there); "mlp" is a
/// small MLP pair for the 2-D toys. With <see cref="Classes"/> &gt; 0 it is a conditional GAN: a label
/// embedding joins G's input, and D adds a projection term ⟨φ(x), E[y]⟩ (Miyato &amp; Koyama 2018).
/// The stabilisers are off by default.
/// </summary>
public sealed record GanConfig : IModelConfig<GanConfig>
{
    public static JsonTypeInfo<GanConfig> JsonInfo { get; } = ConfigJson.Contract<GanConfig>(GanConfigJson.Default);

    /// <summary>Checkpoints from before the DCGAN widths were fields have the 128/64 networks (null).</summary>
    public static IReadOnlyCollection<string> OptionalFields { get; } = ["g_channels", "d_channels"];

    /// <summary>The training data: an image --data spec (fashion-mnist, idx:DIR, folder:DIR) or a 2-D toy.</summary>
    public string Data { get; init; } = "fashion-mnist";

    /// <summary>"dcgan" (images) or "mlp" (2-D points).</summary>
    public string Architecture { get; init; } = "dcgan";

    public int Height { get; init; } = 28;

    public int Width { get; init; } = 28;

    /// <summary>Dimension of z ~ N(0, I).</summary>
    public int Latent { get; init; } = 64;

    /// <summary>MLP: hidden width and layers of each network.</summary>
    public int Hidden { get; init; } = 128;

    public int HiddenLayers { get; init; } = 3;

    /// <summary>Number of classes of a conditional GAN (0: unconditional).</summary>
    public int Classes { get; init; }

    /// <summary>Width of G's label embedding (conditional only).</summary>
    public int LabelDim { get; init; } = 32;

    [JsonPropertyName("lr")]
    public float LearningRate { get; init; } = 2e-4f;

    public float Beta1 { get; init; } = 0.5f;

    public float Beta2 { get; init; } = 0.999f;

    public int Batch { get; init; } = 64;

    public ulong Seed { get; init; }

    /// <summary>One-sided label smoothing: D's target for real data (1 = off; Salimans et al. 2016 use 0.9).</summary>
    public float RealTarget { get; init; } = 1f;

    /// <summary>Spectral normalization of D's weights (Miyato et al. 2018), one power iteration per forward.</summary>
    public bool SpectralNorm { get; init; }

    /// <summary>R1 penalty weight γ: D's loss gains γ/2·E‖∇ₓD(x)‖² on real data (Mescheder et al. 2018); 0 = off.</summary>
    public float R1Gamma { get; init; }

    /// <summary>
    /// DCGAN: G's channels at H/4 (halved at H/2); null is dcgan_step's 128, and is not written, so that
    /// a default config reads and writes as before the field existed.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? GChannels { get; init; }

    /// <summary>DCGAN: D's channels at H/2 (doubled at H/4); null is dcgan_step's 64, not written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DChannels { get; init; }

    public int GeneratorChannels => GChannels ?? 128;

    public int DiscriminatorChannels => DChannels ?? 64;

    public bool IsMlp => Architecture == "mlp";

    public void Validate()
    {
        if (Architecture is not ("dcgan" or "mlp")) throw new ArgumentException($"architecture must be dcgan or mlp, got '{Architecture}'");
        if (!IsMlp && (Height < 4 || Width < 4 || Height % 4 != 0 || Width % 4 != 0))
            throw new ArgumentException($"dcgan needs an image size divisible by 4 (two stride-2 layers), got {Height}×{Width}");
        if (Latent < 1 || Hidden < 1 || HiddenLayers < 1) throw new ArgumentException($"latent, hidden and layers must be positive, got {Latent}, {Hidden}, {HiddenLayers}");
        if (GeneratorChannels < 2 || GeneratorChannels % 2 != 0 || DiscriminatorChannels < 1)
            throw new ArgumentException($"dcgan widths: G's channels must be even and at least 2 (halved once), D's positive, got {GeneratorChannels} and {DiscriminatorChannels}");
        if (Classes < 0) throw new ArgumentException($"classes must be 0 (unconditional) or more, got {Classes}");
        if (Classes > 0 && IsMlp) throw new ArgumentException("the MLP GAN (2-D toys) is unconditional; conditional GANs use dcgan");
        if (Classes > 0 && LabelDim < 1) throw new ArgumentException($"label embedding width must be positive, got {LabelDim}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (!(Beta1 >= 0 && Beta1 < 1 && Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"Adam betas must lie in [0, 1), got ({Beta1}, {Beta2})");
        if (Batch < 2) throw new ArgumentException($"batch must be at least 2 (BatchNorm), got {Batch}");
        if (!(RealTarget > 0 && RealTarget <= 1)) throw new ArgumentException($"the real-label target must lie in (0, 1], got {RealTarget}");
        if (!(R1Gamma >= 0)) throw new ArgumentException($"R1 γ must be 0 (off) or positive, got {R1Gamma}");
        if (R1Gamma > 0 && !IsMlp)
            throw new ArgumentException("the R1 penalty is implemented for the MLP discriminator only (its input gradient is built as an explicit network; the tape has no double backward)");
    }

    public override string ToString()
    {
        var extras = new List<string>();
        if (RealTarget < 1) extras.Add(FormattableString.Invariant($"real target {RealTarget}"));
        if (SpectralNorm) extras.Add("spectral norm on D");
        if (R1Gamma > 0) extras.Add(FormattableString.Invariant($"R1 γ {R1Gamma}"));
        string net = IsMlp ? FormattableString.Invariant($"MLP {Hidden}×{HiddenLayers} on 2-D points") : FormattableString.Invariant($"DCGAN ({GeneratorChannels}/{DiscriminatorChannels} channels) on {Height}×{Width}");
        string cond = Classes > 0 ? FormattableString.Invariant($"{Classes} classes (cGAN, projection D)") : "unconditional";
        return FormattableString.Invariant($"{net}, z {Latent}, {cond}, batch {Batch}, Adam {LearningRate} ({Beta1}, {Beta2})")
            + (extras.Count > 0 ? ", " + string.Join(", ", extras) : "");
    }
}

/// <summary>The JSON contract of <see cref="GanConfig"/>, generated at compile time; <see cref="ConfigJson.Contract{T}"/> gives it the configs' options.</summary>
[JsonSerializable(typeof(GanConfig))]
internal sealed partial class GanConfigJson : JsonSerializerContext;
