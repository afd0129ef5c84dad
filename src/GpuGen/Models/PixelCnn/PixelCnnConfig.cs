using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GpuGen.Models.PixelCnn;

/// <summary>
/// Everything that defines a PixelCNN run ("pixelcnn"); stored as JSON in its checkpoints. The defaults
/// are the pixelcnn_step network of bench/README.md: a 7×7 mask-A convolution to 64 channels, five
/// residual 3×3 mask-B layers, a 1×1 64→64 and a 1×1 64→256 head, Adam lr 1e-3, batch 32.
/// </summary>
public sealed record PixelCnnConfig
{
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

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("data", Data);
            w.WriteNumber("height", Height);
            w.WriteNumber("width", Width);
            w.WriteNumber("channels", Channels);
            w.WriteNumber("residual_layers", ResidualLayers);
            w.WriteNumber("classes", Classes);
            w.WriteNumber("lr", LearningRate);
            w.WriteNumber("batch", Batch);
            w.WriteNumber("seed", Seed);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Parses the JSON of <see cref="ToJson"/>; <paramref name="source"/> names the file in errors.</summary>
    public static PixelCnnConfig FromJson(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            JsonElement Get(string key) => r.TryGetProperty(key, out var v) ? v
                : throw new InvalidDataException($"{source}: config has no '{key}'");
            var config = new PixelCnnConfig
            {
                Data = Get("data").GetString() ?? "",
                Height = Get("height").GetInt32(),
                Width = Get("width").GetInt32(),
                Channels = Get("channels").GetInt32(),
                ResidualLayers = Get("residual_layers").GetInt32(),
                Classes = Get("classes").GetInt32(),
                LearningRate = Get("lr").GetSingle(),
                Batch = Get("batch").GetInt32(),
                Seed = Get("seed").GetUInt64(),
            };
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{source}: bad model config ({e.Message})", e);
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Height}×{Width} images, PixelCNN {Channels} channels × (1 mask-A 7×7 + {ResidualLayers} residual mask-B 3×3), "
        + $"{(Classes > 0 ? $"{Classes} classes (label bias)" : "unconditional")}, batch {Batch}, lr {LearningRate}");
}
