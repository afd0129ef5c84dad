using System.CommandLine;
using GpuGen.Data;
using GpuGen.Models.Flows;
using GpuGen.Models.Vae;

namespace GpuGen.Cli.Commands;

/// <summary>
/// The options of `gpugen train vae|cvae|nice|realnvp`: those every family shares, then the VAE's or the
/// flow's. Defaults that differ between images and 2-D toys are null here.
/// </summary>
internal sealed class TrainLatentOptions(bool flow) : TrainOptions(
    flow ? $"training data: fashion-mnist, idx:DIR, folder:DIR, or a 2-D toy ({string.Join(", ", ToyData.Names)})" : "training images: fashion-mnist, idx:DIR or folder:DIR",
    "fashion-mnist", steps: 5000, sampleEvery: 0,
    batch: "batch size (default 128; flows on 2-D toys 512)", lr: "Adam learning rate (default: VAE 1e-3, flows on images 1e-4, flows on 2-D toys 1e-3)",
    samples: "images in each sample grid (default 100) or points in a 2-D picture (default 2000)")
{
    public bool IsFlow { get; } = flow;

    // ---- VAE / CVAE ----
    public Option<string> Arch { get; } = Choice("--arch", "encoder and decoder: mlp (the vae_mlp_step network) or conv", VaeConfig.Mlp, VaeConfig.Mlp, VaeConfig.Conv);
    public Option<int> Latent { get; } = new("--latent") { Description = "latent dimensions (2 gives a latent-walk picture)", DefaultValueFactory = _ => 20 };
    public Option<string> Likelihood { get; } = Choice("--likelihood", "bernoulli (dynamically binarized pixels) or gaussian (pixels in [0, 1])", VaeConfig.Bernoulli, VaeConfig.Bernoulli, VaeConfig.Gaussian);
    public Option<float> GaussianStd { get; } = new("--sigma") { Description = "Gaussian likelihood: the decoder's fixed σ", DefaultValueFactory = _ => 0.1f };
    public Option<int?> VaeHidden { get; } = new("--hidden") { Description = "width H of the networks: mlp H and H/2, conv the dense layer H/2 (default 512: the vae_mlp_step network)" };

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

    protected override IEnumerable<Option> FamilyOptions() => IsFlow
        ? [FlowArch, Scales, Blocks, Layers, Hidden, HiddenLayers, Mask, ActNorm, LrDecay, Alpha, Temperature]
        : [Arch, Latent, Likelihood, GaussianStd, VaeHidden];

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
