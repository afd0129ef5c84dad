using System.CommandLine;
using GpuGen.Data;

namespace GpuGen.Cli.Commands;

/// <summary>The options of `gpugen train ddpm`, for the 2-D toys and for images; defaults that differ are null here.</summary>
internal sealed class TrainDdpmOptions() : TrainOptions(
    $"training data: fashion-mnist, idx:DIR, folder:DIR, or a 2-D toy ({string.Join(", ", ToyData.Names)})", "8gaussians", steps: 3000, sampleEvery: 1000,
    batch: "batch size (default 1024 for toys, 128 for images)", lr: "Adam learning rate (default 1e-3 for toys, 2e-4 for images)",
    samples: "points drawn for samples.png and the MMD (toys, default 2000) or images in each sample grid (default 64)")
{
    public Option<int> Hidden { get; } = new("--hidden") { Description = "toys: MLP width", DefaultValueFactory = _ => 128 };
    public Option<int> Layers { get; } = new("--layers") { Description = "toys: hidden layers", DefaultValueFactory = _ => 3 };
    public Option<string?> Schedule { get; } = MakeSchedule();
    public Option<float?> Ema { get; } = new("--ema") { Description = "EMA decay of the weights, with warm-up (default 0.995 for toys, 0.9999 for images; 0: off)" };
    public Option<string> Prediction { get; } = MakePrediction();
    public Option<bool> Cond { get; } = new("--cond") { Description = "images: class-conditional model with classifier-free guidance (needs labels)" };
    public Option<float> PUncond { get; } = new("--p-uncond") { Description = "images: probability of dropping a label in training (with --cond)", DefaultValueFactory = _ => 0.1f };
    public Option<string> Channels { get; } = new("--channels") { Description = "images: UNet channels per level, finest first (H, W divisible by 2^(levels−1))", DefaultValueFactory = _ => "32,64,64" };
    public Option<int> Blocks { get; } = new("--blocks") { Description = "images: ResBlocks per UNet level", DefaultValueFactory = _ => 1 };
    public Option<int> TimeDim { get; } = new("--time-dim") { Description = "images: width of the time/label embedding MLP", DefaultValueFactory = _ => 256 };
    public Option<bool> Attention { get; } = new("--attention") { Description = "images: self-attention at the lowest resolution" };
    public Option<int> Timesteps { get; } = new("--timesteps") { Description = "images: diffusion steps T", DefaultValueFactory = _ => 1000 };
    public Option<int> SampleSteps { get; } = new("--sample-steps") { Description = "images: DDIM steps for the sample grids", DefaultValueFactory = _ => 50 };
    public Option<bool> View { get; } = new("--view") { Description = "images: show the loss curve, steps/s and sample grids live in a window" };
    public Option<int> ViewEvery { get; } = new("--view-every") { Description = "with --view: a new sample grid (16 images, 20 DDIM steps, EMA weights) every K steps", DefaultValueFactory = _ => 100 };
    public Option<string?> ViewScreenshot { get; } = new("--view-screenshot") { Description = "with --view: save the window's last frame, when training ends, as a PNG" };

    protected override IEnumerable<Option> FamilyOptions() =>
        [Hidden, Layers, Schedule, Ema, Prediction, Cond, PUncond, Channels, Blocks, TimeDim, Attention, Timesteps, SampleSteps, View, ViewEvery, ViewScreenshot];

    /// <summary>Options a toy run would silently ignore, so it refuses them instead.</summary>
    public IEnumerable<(Option Option, string What)> ImageOnly() =>
    [
        (Prediction, "prediction"), (Cond, "conditioning"), (PUncond, "label drop"), (Channels, "UNet"), (Blocks, "UNet"),
        (TimeDim, "UNet"), (Attention, "UNet"), (Timesteps, "T"), (SampleSteps, "grids"), (View, "window"), (ViewEvery, "window"), (ViewScreenshot, "window"),
    ];

    private static Option<string?> MakeSchedule()
    {
        var o = new Option<string?>("--schedule") { Description = "β schedule: linear, cosine or sigmoid (default linear for toys, cosine for images)" };
        o.AcceptOnlyFromAmong("linear", "cosine", "sigmoid");
        return o;
    }

    private static Option<string> MakePrediction()
    {
        var o = new Option<string>("--prediction") { Description = "images: what the UNet predicts: eps, v or x0", DefaultValueFactory = _ => "eps" };
        o.AcceptOnlyFromAmong("eps", "v", "x0");
        return o;
    }
}
