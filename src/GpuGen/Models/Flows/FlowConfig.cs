using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using GpuGen.Data;

namespace GpuGen.Models.Flows;

/// <summary>
/// Everything that defines a flow run; stored as JSON in its checkpoints. The defaults are the
/// realnvp_mlp_step workload of bench/README.md on 1×28×28 images: 8 affine couplings with
/// checkerboard masks, s- and t-nets 784 → 512 → 512 → 784, logit transform with α = 0.05, Adam 1e-4,
/// batch 128. For 2-D toy data the shape is 2×1×1 and no dequantization or logit transform is applied.
/// </summary>
public sealed record FlowConfig(
    string Kind = FlowConfig.RealNvp,
    string Data = "fashion-mnist",
    int Channels = 1,
    int Height = 28,
    int Width = 28,
    int Layers = 8,
    int Hidden = 512,
    int HiddenLayers = 2,
    string Mask = "checkerboard",
    [property: JsonPropertyName("actnorm")] bool ActNorm = false,
    float Alpha = 0.05f,
    [property: JsonPropertyName("lr")] float LearningRate = 1e-4f,
    int Batch = 128,
    ulong Seed = 0,
    string Arch = FlowConfig.Mlp,
    int Scales = 2,
    int Blocks = 2,
    int DecaySteps = 0) : IModelConfig<FlowConfig>
{
    public static JsonTypeInfo<FlowConfig> JsonInfo { get; } = ConfigJson.Contract<FlowConfig>(FlowConfigJson.Default);

    /// <summary>Checkpoints from before the conv architecture are MLP flows; from before the schedule, constant-rate.</summary>
    public static IReadOnlyCollection<string> OptionalFields { get; } = ["arch", "scales", "blocks", "decay_steps"];

    public const string RealNvp = "realnvp";
    public const string Nice = "nice";

    /// <summary>Coupling nets on flattened images, with <see cref="Layers"/> couplings and <see cref="Mask"/> masks.</summary>
    public const string Mlp = "mlp";

    /// <summary>
    /// RealNVP's multi-scale conv architecture (<see cref="MultiScaleFlow"/>): <see cref="Scales"/> scales,
    /// conv nets of <see cref="Hidden"/> filters and <see cref="Blocks"/> residual blocks; Layers, Mask
    /// and HiddenLayers do not apply.
    /// </summary>
    public const string Conv = "conv";

    public static IReadOnlyList<string> Archs { get; } = [Mlp, Conv];

    /// <summary>
    /// Adam's learning rate at step t: constant when <see cref="DecaySteps"/> is 0, else a cosine from
    /// lr down to lr/100 over DecaySteps steps, lr·(0.01 + 0.99·½(1 + cos(π·min(t, T)/T))), flat after
    /// (the last steps refine the density rather than jitter around it).
    /// </summary>
    public float LearningRateAt(long step) => DecaySteps <= 0 ? LearningRate
        : (float)(LearningRate * (0.01 + 0.99 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, DecaySteps) / DecaySteps))));

    /// <summary>Features per example.</summary>
    public int Dim => Channels * Height * Width;

    /// <summary>Coupling layers in all: <see cref="Layers"/>, or for the conv architecture 6 per scale and 4 in the last.</summary>
    public int CouplingCount => Arch == Conv ? 6 * (Scales - 1) + 4 : Layers;

    /// <summary>Whether the data are 2-D toy points (continuous, no dequantization) rather than images.</summary>
    public bool IsToy => ToyData.IsToy(Data);

    /// <summary>
    /// A config for a 2-D toy distribution: a smaller net suits two features. `gpugen train` asks for
    /// more by default: 16 couplings with ActNorm and a cosine decay over the run (5,000 steps of
    /// RealNVP on 8gaussians, seed 1: test NLL 0.384 nats against the data's entropy of 0.314, where
    /// these defaults, 8 couplings at a constant rate, give 0.622).
    /// </summary>
    public static FlowConfig Toy(string kind, string data, int layers = 8, int hidden = 64, int hiddenLayers = 2,
        float lr = 1e-3f, int batch = 512, ulong seed = 0, bool actNorm = false, int decaySteps = 0) =>
        new(kind, ToyData.Canonical(data), 2, 1, 1, layers, hidden, hiddenLayers, "checkerboard", actNorm, 0f, lr, batch, seed, DecaySteps: decaySteps);

    public void Validate()
    {
        if (Kind is not (RealNvp or Nice)) throw new ArgumentException($"unknown flow kind '{Kind}' (expected {RealNvp} or {Nice})");
        if (Channels < 1 || Height < 1 || Width < 1) throw new ArgumentException($"bad data shape {Channels}×{Height}×{Width}");
        if (Dim < 2) throw new ArgumentException($"a coupling flow needs at least 2 features, got {Dim}");
        if (Layers < 1) throw new ArgumentException($"need at least one coupling layer, got {Layers}");
        if (Hidden < 1 || HiddenLayers < 1) throw new ArgumentException($"coupling nets need positive sizes, got hidden {Hidden}, hidden layers {HiddenLayers}");
        CouplingMasks.Make(Mask, 0, Channels, Height, Width);
        if (!IsToy && !(Alpha > 0 && Alpha < 0.5f)) throw new ArgumentException($"logit α must be in (0, ½), got {Alpha}");
        if (Batch < 1) throw new ArgumentException($"batch size must be positive, got {Batch}");
        if (Arch == Conv)
        {
            if (Kind != RealNvp) throw new ArgumentException($"the conv architecture is RealNVP's; {Kind} takes --arch {Mlp}");
            if (IsToy) throw new ArgumentException($"the conv architecture is for images, not the 2-D toy '{Data}'");
            if (Scales < 1) throw new ArgumentException($"need at least one scale, got {Scales}");
            int step = 1 << Math.Min(Scales - 1, 30);
            if (Height % step != 0 || Width % step != 0)
                throw new ArgumentException($"{Scales} scales squeeze {Scales - 1} times: height and width ({Height}×{Width}) must be multiples of {step}");
            if (Blocks < 0) throw new ArgumentException($"residual blocks must be 0 or more, got {Blocks}");
        }
        else if (Arch != Mlp) throw new ArgumentException($"unknown flow architecture '{Arch}' (expected {Mlp} or {Conv})");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (DecaySteps < 0) throw new ArgumentException($"decay steps must be 0 (constant learning rate) or positive, got {DecaySteps}");
    }

    public override string ToString() => Arch == Conv
        ? string.Create(CultureInfo.InvariantCulture,
            $"{Kind} on {Data} ({Channels}×{Height}×{Width}), multi-scale conv: {Scales} scales, {CouplingCount} affine couplings, {Hidden} filters, {Blocks} residual blocks{(ActNorm ? ", actnorm" : "")}, batch {Batch}, lr {LearningRate}{Decay}")
        : string.Create(CultureInfo.InvariantCulture,
        $"{Kind} on {Data} ({Channels}×{Height}×{Width}), {Layers} {(Kind == Nice ? "additive" : "affine")} couplings ({Mask} masks), nets {Dim}→{Hidden}×{HiddenLayers}→{Dim}{(ActNorm ? ", actnorm" : "")}, batch {Batch}, lr {LearningRate}{Decay}");

    private string Decay => DecaySteps > 0 ? string.Create(CultureInfo.InvariantCulture, $" (cosine to 1% over {DecaySteps} steps)") : "";
}

/// <summary>The JSON contract of <see cref="FlowConfig"/>, generated at compile time; <see cref="ConfigJson.Contract{T}"/> gives it the configs' options.</summary>
[JsonSerializable(typeof(FlowConfig))]
internal sealed partial class FlowConfigJson : JsonSerializerContext;
