using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GpuGen.Models.Vae;

/// <summary>
/// Everything that defines a VAE or CVAE run; stored as JSON in its checkpoints. The defaults are the
/// vae_mlp_step workload of bench/README.md: 784 → 512 → 256 → (μ, log σ²) of 20, decoder
/// 20 → 256 → 512 → 784 logits, Bernoulli likelihood, Adam 1e-3, batch 128. <see cref="Hidden"/> sets the
/// widths: the MLP's are H and H/2, the conv net's dense layer is H/2 wide (its convolutions keep 32
/// and 64 filters); null is 512 and is not written, so that a default config reads and writes as
/// before the field existed.
/// </summary>
public sealed record VaeConfig(
    bool Conditional = false,
    string Arch = VaeConfig.Mlp,
    string Data = "fashion-mnist",
    int Channels = 1,
    int Height = 28,
    int Width = 28,
    int Classes = 10,
    int Latent = 20,
    string Likelihood = VaeConfig.Bernoulli,
    float GaussianStd = 0.1f,
    [property: JsonPropertyName("lr")] float LearningRate = 1e-3f,
    int Batch = 128,
    ulong Seed = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Hidden = null) : IModelConfig<VaeConfig>
{
    public static JsonTypeInfo<VaeConfig> JsonInfo { get; } = ConfigJson.Contract<VaeConfig>(VaeConfigJson.Default);

    /// <summary>Checkpoints from before the width was a field have the 512/256 networks (null).</summary>
    public static IReadOnlyCollection<string> OptionalFields { get; } = ["hidden"];

    public const string Mlp = "mlp";
    public const string Conv = "conv";
    public const string Bernoulli = "bernoulli";
    public const string Gaussian = "gaussian";

    /// <summary>The checkpoint family: "vae" or "cvae".</summary>
    public string Family => Conditional ? "cvae" : "vae";

    public int Dim => Channels * Height * Width;

    /// <summary>H: the MLP's first width (its second is H/2), the conv net's dense layer's twice.</summary>
    public int HiddenWidth => Hidden ?? 512;

    public void Validate()
    {
        if (Arch is not (Mlp or Conv)) throw new ArgumentException($"unknown VAE architecture '{Arch}' (expected {Mlp} or {Conv})");
        if (Likelihood is not (Bernoulli or Gaussian)) throw new ArgumentException($"unknown likelihood '{Likelihood}' (expected {Bernoulli} or {Gaussian})");
        if (Channels < 1 || Height < 1 || Width < 1) throw new ArgumentException($"bad image shape {Channels}×{Height}×{Width}");
        if (Arch == Conv && (Height % 4 != 0 || Width % 4 != 0)) throw new ArgumentException($"the conv VAE halves the image twice: height and width must be multiples of 4, got {Height}×{Width}");
        if (HiddenWidth < 2 || HiddenWidth % 2 != 0) throw new ArgumentException($"hidden width must be even and at least 2 (the next layer is half as wide), got {HiddenWidth}");
        if (Latent < 1) throw new ArgumentException($"latent size must be positive, got {Latent}");
        if (Conditional && Classes < 2) throw new ArgumentException($"a CVAE needs at least 2 classes, got {Classes}");
        if (!(GaussianStd > 0)) throw new ArgumentException($"Gaussian likelihood σ must be positive, got {GaussianStd}");
        if (Batch < 1) throw new ArgumentException($"batch size must be positive, got {Batch}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Family} ({Arch}, hidden {HiddenWidth}) on {Data} ({Channels}×{Height}×{Width}), latent {Latent}, {Likelihood} likelihood{(Conditional ? $", {Classes} classes" : "")}, batch {Batch}, lr {LearningRate}");
}

/// <summary>The JSON contract of <see cref="VaeConfig"/>, generated at compile time; <see cref="ConfigJson.Contract{T}"/> gives it the configs' options.</summary>
[JsonSerializable(typeof(VaeConfig))]
internal sealed partial class VaeConfigJson : JsonSerializerContext;
