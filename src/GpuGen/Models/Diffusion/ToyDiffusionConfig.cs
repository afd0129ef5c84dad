using System.Globalization;
using System.Text;
using System.Text.Json;
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
    float LearningRate = 1e-3f,
    int Batch = 1024,
    ulong Seed = 0,
    float EmaDecay = 0.995f)
{
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

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("data", ToyData.Canonical(Data));
            w.WriteNumber("hidden", Hidden);
            w.WriteNumber("hidden_layers", HiddenLayers);
            w.WriteNumber("embedding_dim", EmbeddingDim);
            w.WriteNumber("timesteps", Timesteps);
            w.WriteNumber("beta_start", BetaStart);
            w.WriteNumber("beta_end", BetaEnd);
            w.WriteString("schedule", Schedule);
            w.WriteNumber("lr", LearningRate);
            w.WriteNumber("batch", Batch);
            w.WriteNumber("seed", Seed);
            w.WriteNumber("ema_decay", EmaDecay);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Parses the JSON of <see cref="ToJson"/>; <paramref name="source"/> names the file in errors.</summary>
    public static ToyDiffusionConfig FromJson(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            JsonElement Get(string key) => r.TryGetProperty(key, out var v) ? v
                : throw new InvalidDataException($"{source}: config has no '{key}'");
            var config = new ToyDiffusionConfig(
                Data: Get("data").GetString() ?? "",
                Hidden: Get("hidden").GetInt32(),
                HiddenLayers: Get("hidden_layers").GetInt32(),
                EmbeddingDim: Get("embedding_dim").GetInt32(),
                Timesteps: Get("timesteps").GetInt32(),
                BetaStart: Get("beta_start").GetDouble(),
                BetaEnd: Get("beta_end").GetDouble(),
                Schedule: Get("schedule").GetString() ?? "",
                LearningRate: Get("lr").GetSingle(),
                Batch: Get("batch").GetInt32(),
                Seed: Get("seed").GetUInt64(),
                EmaDecay: Get("ema_decay").GetSingle());
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: bad model config ({e.Message})", e);
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Data}, MLP {Network.DataDim + EmbeddingDim}→{Hidden}×{HiddenLayers}→2, T={Timesteps} ({Schedule}), batch {Batch}, lr {LearningRate}");
}
