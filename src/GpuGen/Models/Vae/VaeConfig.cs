using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GpuGen.Models.Vae;

/// <summary>
/// Everything that defines a VAE or CVAE run; stored as JSON in its checkpoints. The defaults are the
/// vae_mlp_step workload of bench/README.md: 784 → 512 → 256 → (μ, log σ²) of 20, decoder
/// 20 → 256 → 512 → 784 logits, Bernoulli likelihood, Adam 1e-3, batch 128.
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
    float LearningRate = 1e-3f,
    int Batch = 128,
    ulong Seed = 0)
{
    public const string Mlp = "mlp";
    public const string Conv = "conv";
    public const string Bernoulli = "bernoulli";
    public const string Gaussian = "gaussian";

    /// <summary>The checkpoint family: "vae" or "cvae".</summary>
    public string Family => Conditional ? "cvae" : "vae";

    public int Dim => Channels * Height * Width;

    public void Validate()
    {
        if (Arch is not (Mlp or Conv)) throw new ArgumentException($"unknown VAE architecture '{Arch}' (expected {Mlp} or {Conv})");
        if (Likelihood is not (Bernoulli or Gaussian)) throw new ArgumentException($"unknown likelihood '{Likelihood}' (expected {Bernoulli} or {Gaussian})");
        if (Channels < 1 || Height < 1 || Width < 1) throw new ArgumentException($"bad image shape {Channels}×{Height}×{Width}");
        if (Arch == Conv && (Height % 4 != 0 || Width % 4 != 0)) throw new ArgumentException($"the conv VAE halves the image twice: height and width must be multiples of 4, got {Height}×{Width}");
        if (Latent < 1) throw new ArgumentException($"latent size must be positive, got {Latent}");
        if (Conditional && Classes < 2) throw new ArgumentException($"a CVAE needs at least 2 classes, got {Classes}");
        if (!(GaussianStd > 0)) throw new ArgumentException($"Gaussian likelihood σ must be positive, got {GaussianStd}");
        if (Batch < 1) throw new ArgumentException($"batch size must be positive, got {Batch}");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteBoolean("conditional", Conditional);
            w.WriteString("arch", Arch);
            w.WriteString("data", Data);
            w.WriteNumber("channels", Channels);
            w.WriteNumber("height", Height);
            w.WriteNumber("width", Width);
            w.WriteNumber("classes", Classes);
            w.WriteNumber("latent", Latent);
            w.WriteString("likelihood", Likelihood);
            w.WriteNumber("gaussian_std", GaussianStd);
            w.WriteNumber("lr", LearningRate);
            w.WriteNumber("batch", Batch);
            w.WriteNumber("seed", Seed);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static VaeConfig FromJson(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            JsonElement Get(string key) => r.TryGetProperty(key, out var v) ? v
                : throw new InvalidDataException($"{source}: config has no '{key}'");
            var config = new VaeConfig(
                Conditional: Get("conditional").GetBoolean(),
                Arch: Get("arch").GetString() ?? "",
                Data: Get("data").GetString() ?? "",
                Channels: Get("channels").GetInt32(),
                Height: Get("height").GetInt32(),
                Width: Get("width").GetInt32(),
                Classes: Get("classes").GetInt32(),
                Latent: Get("latent").GetInt32(),
                Likelihood: Get("likelihood").GetString() ?? "",
                GaussianStd: Get("gaussian_std").GetSingle(),
                LearningRate: Get("lr").GetSingle(),
                Batch: Get("batch").GetInt32(),
                Seed: Get("seed").GetUInt64());
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: bad model config ({e.Message})", e);
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Family} ({Arch}) on {Data} ({Channels}×{Height}×{Width}), latent {Latent}, {Likelihood} likelihood{(Conditional ? $", {Classes} classes" : "")}, batch {Batch}, lr {LearningRate}");
}
