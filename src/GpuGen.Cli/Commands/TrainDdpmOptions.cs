using System.CommandLine;
using GpuGen.Data;

namespace GpuGen.Cli.Commands;

/// <summary>The options of `gpugen train ddpm`, for the 2-D toys and for images; defaults that differ are null here.</summary>
internal sealed class TrainDdpmOptions
{
    public Option<string> Data { get; } = new("--data") { Description = $"training data: fashion-mnist, idx:DIR, folder:DIR, or a 2-D toy ({string.Join(", ", ToyData.Names)})", DefaultValueFactory = _ => "8gaussians" };
    public Option<int> Steps { get; } = new("--steps") { Description = "total optimisation steps", DefaultValueFactory = _ => 3000 };
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<string> Output { get; } = new("--out", "-o") { Description = "run folder (model.safetensors, step-K.safetensors, samples.png, loss.png)", Required = true };
    public Option<int?> Batch { get; } = new("--batch") { Description = "batch size (default 1024 for toys, 128 for images)" };
    public Option<float?> LearningRate { get; } = new("--lr") { Description = "Adam learning rate (default 1e-3 for toys, 2e-4 for images)" };
    public Option<int> Hidden { get; } = new("--hidden") { Description = "toys: MLP width", DefaultValueFactory = _ => 128 };
    public Option<int> Layers { get; } = new("--layers") { Description = "toys: hidden layers", DefaultValueFactory = _ => 3 };
    public Option<int> Every { get; } = new("--checkpoint-every") { Description = "also write DIR/step-K.safetensors every K steps (0: only at the end)", DefaultValueFactory = _ => 0 };
    public Option<int?> Samples { get; } = new("--samples") { Description = "points drawn for samples.png and the MMD (toys, default 2000) or images in each sample grid (default 64)" };
    public Option<string?> Resume { get; } = new("--resume") { Description = "continue DIR/model.safetensors (or the checkpoint given) up to --steps", Arity = ArgumentArity.ZeroOrOne };
    public Option<bool> Force { get; } = new("--force") { Description = "start over even if DIR already holds a model" };
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
    public Option<int> SampleEvery { get; } = new("--sample-every") { Description = "images: write DIR/samples-step-K.png every K steps (0: only at the end)", DefaultValueFactory = _ => 1000 };
    public Option<int> SampleSteps { get; } = new("--sample-steps") { Description = "images: DDIM steps for the sample grids", DefaultValueFactory = _ => 50 };
    public Option<double> MaxSeconds { get; } = new("--max-seconds") { Description = "stop after this many seconds of training (then save as at the end)", DefaultValueFactory = _ => double.PositiveInfinity };
    public Option<bool> View { get; } = new("--view") { Description = "images: show the loss curve, steps/s and sample grids live in a window" };
    public Option<int> ViewEvery { get; } = new("--view-every") { Description = "with --view: a new sample grid (16 images, 20 DDIM steps, EMA weights) every K steps", DefaultValueFactory = _ => 100 };
    public Option<string?> ViewScreenshot { get; } = new("--view-screenshot") { Description = "with --view: save the window's last frame, when training ends, as a PNG" };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<bool> Json { get; } = CommonOptions.Json();

    public IEnumerable<Option> Options() =>
    [
        Data, Steps, Seed, Output, Batch, LearningRate, Hidden, Layers, Every, Samples, Resume, Force, Schedule, Ema, Prediction,
        Cond, PUncond, Channels, Blocks, TimeDim, Attention, Timesteps, SampleEvery, SampleSteps, MaxSeconds, Device, Json, View, ViewEvery, ViewScreenshot,
    ];

    /// <summary>Options a toy run would silently ignore, so it refuses them instead.</summary>
    public IEnumerable<(Option Option, string What)> ImageOnly() =>
    [
        (Prediction, "prediction"), (Cond, "conditioning"), (PUncond, "label drop"), (Channels, "UNet"), (Blocks, "UNet"),
        (TimeDim, "UNet"), (Attention, "UNet"), (Timesteps, "T"), (SampleEvery, "grids"), (SampleSteps, "grids"), (View, "window"), (ViewEvery, "window"), (ViewScreenshot, "window"),
    ];

    /// <summary>The checkpoint to continue, or null for a fresh run; errors when --resume names nothing that exists.</summary>
    public static string? ResumePath(ParseResult r, TrainDdpmOptions o, string final) => TrainGan.ResumePath(r, o.Resume, final);

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
