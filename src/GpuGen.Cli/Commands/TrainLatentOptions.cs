using System.CommandLine;
using GpuGen.Data;
using GpuGen.Models.Flows;
using GpuGen.Models.Vae;

namespace GpuGen.Cli.Commands;

/// <summary>
/// The options of `gpugen train vae|cvae|nice|realnvp`: those every family shares, then the VAE's or the
/// flow's. Defaults that differ between images and 2-D toys are null here.
/// </summary>
internal sealed class TrainLatentOptions
{
    public TrainLatentOptions(bool flow)
    {
        IsFlow = flow;
        Data = new Option<string>("--data")
        {
            Description = flow
                ? $"training data: fashion-mnist, idx:DIR, folder:DIR, or a 2-D toy ({string.Join(", ", ToyData.Names)})"
                : "training images: fashion-mnist, idx:DIR or folder:DIR",
            DefaultValueFactory = _ => "fashion-mnist",
        };
    }

    public bool IsFlow { get; }

    // ---- shared ----
    public Option<string> Data { get; }
    public Option<int> Steps { get; } = new("--steps") { Description = "total optimisation steps", DefaultValueFactory = _ => 5000 };
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<string> Output { get; } = new("--out", "-o") { Description = "run folder (model.safetensors, step-K.safetensors, samples.png, loss.png)", Required = true };
    public Option<int?> Batch { get; } = new("--batch") { Description = "batch size (default 128; flows on 2-D toys 512)" };
    public Option<float?> LearningRate { get; } = new("--lr") { Description = "Adam learning rate (default: VAE 1e-3, flows on images 1e-4, flows on 2-D toys 1e-3)" };
    public Option<int> Every { get; } = new("--checkpoint-every") { Description = "also write DIR/step-K.safetensors every K steps (0: only at the end)", DefaultValueFactory = _ => 0 };
    public Option<int> SampleEvery { get; } = new("--sample-every") { Description = "also write DIR/samples-step-K.png every K steps (0: only at the end)", DefaultValueFactory = _ => 0 };
    public Option<int?> Samples { get; } = new("--samples") { Description = "images in each sample grid (default 100) or points in a 2-D picture (default 2000)" };
    public Option<string?> Resume { get; } = new("--resume") { Description = "continue DIR/model.safetensors (or the checkpoint given) up to --steps", Arity = ArgumentArity.ZeroOrOne };
    public Option<bool> Force { get; } = new("--force") { Description = "start over even if DIR already holds a model" };
    public Option<double> MaxSeconds { get; } = new("--max-seconds") { Description = "stop after this many seconds of training (then save as at the end)", DefaultValueFactory = _ => double.PositiveInfinity };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<bool> Json { get; } = CommonOptions.Json();

    // ---- VAE / CVAE ----
    public Option<string> Arch { get; } = Choice("--arch", "encoder and decoder: mlp (the vae_mlp_step network) or conv", VaeConfig.Mlp, VaeConfig.Mlp, VaeConfig.Conv);
    public Option<int> Latent { get; } = new("--latent") { Description = "latent dimensions (2 gives a latent-walk picture)", DefaultValueFactory = _ => 20 };
    public Option<string> Likelihood { get; } = Choice("--likelihood", "bernoulli (dynamically binarized pixels) or gaussian (pixels in [0, 1])", VaeConfig.Bernoulli, VaeConfig.Bernoulli, VaeConfig.Gaussian);
    public Option<float> GaussianStd { get; } = new("--sigma") { Description = "Gaussian likelihood: the decoder's fixed σ", DefaultValueFactory = _ => 0.1f };

    // ---- NICE / RealNVP ----
    public Option<string> FlowArch { get; } = Choice("--arch", "images, realnvp: mlp (coupling MLPs on flattened images) or conv (RealNVP's multi-scale conv architecture)", FlowConfig.Mlp, [.. FlowConfig.Archs]);
    public Option<int> Scales { get; } = new("--scales") { Description = "--arch conv: scales (each but the last: 3 checkerboard couplings, squeeze, 3 channel couplings, factor out half)", DefaultValueFactory = _ => 2 };
    public Option<int> Blocks { get; } = new("--blocks") { Description = "--arch conv: residual blocks in each coupling's conv net", DefaultValueFactory = _ => 2 };
    public Option<int?> Layers { get; } = new("--layers") { Description = "coupling layers (--arch mlp; default 16 for 2-D toys, 8 for images)" };
    public Option<int?> Hidden { get; } = new("--hidden") { Description = "width of the coupling nets (default 512 for images, 64 for 2-D toys; --arch conv: filters, default 64)" };
    public Option<int> HiddenLayers { get; } = new("--hidden-layers") { Description = "hidden layers of each coupling net", DefaultValueFactory = _ => 2 };
    public Option<string> Mask { get; } = Choice("--mask", "images: checkerboard or channel masks, alternating", "checkerboard", [.. CouplingMasks.Kinds]);
    public Option<bool?> ActNorm { get; } = new("--actnorm") { Description = "ActNorm (data-initialized scale and bias) after each coupling (default on for 2-D toys, off for images; --actnorm false turns it off)" };
    public Option<string?> LrDecay { get; } = ChoiceOrDefault("--lr-decay", "flows: the learning rate over --steps: constant, or cosine down to 1% (default cosine for 2-D toys, constant for images)", "constant", "cosine");
    public Option<float> Alpha { get; } = new("--alpha") { Description = "images: α of the logit transform", DefaultValueFactory = _ => 0.05f };
    public Option<float?> Temperature { get; } = new("--temperature", "-t") { Description = "flows: temperature of the pictures' samples (default 1 for 2-D toys, 0.8 for images)" };

    public IEnumerable<Option> Options() => IsFlow
        ? [Data, Steps, Seed, Output, Batch, LearningRate, Every, SampleEvery, Samples, Resume, Force, MaxSeconds, Device, Json, FlowArch, Scales, Blocks, Layers, Hidden, HiddenLayers, Mask, ActNorm, LrDecay, Alpha, Temperature]
        : [Data, Steps, Seed, Output, Batch, LearningRate, Every, SampleEvery, Samples, Resume, Force, MaxSeconds, Device, Json, Arch, Latent, Likelihood, GaussianStd];

    /// <summary>The checkpoint to continue, or null for a fresh run; errors when --resume names nothing that exists.</summary>
    public string? ResumePath(ParseResult r, string final) => TrainGan.ResumePath(r, Resume, final);

    private static Option<string?> ChoiceOrDefault(string name, string description, params string[] choices)
    {
        var o = new Option<string?>(name) { Description = description };
        o.AcceptOnlyFromAmong(choices);
        return o;
    }

    private static Option<string> Choice(string name, string description, string fallback, params string[] choices)
    {
        var o = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        o.AcceptOnlyFromAmong(choices);
        return o;
    }
}
