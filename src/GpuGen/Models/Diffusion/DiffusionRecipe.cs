using System.Globalization;
using GpuGen.Data;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// `gpugen train ddpm`: the ε-MLP on a 2-D toy (family "ddpm-2d") or the UNet on images (family
/// "ddpm-image"), chosen by --data; the parameters that only images use are refused on a toy.
/// </summary>
public static class DiffusionRecipe
{
    public static TrainParameter<int> Hidden { get; } = new("--hidden", "toys: MLP width", 128);
    public static TrainParameter<int> Layers { get; } = new("--layers", "toys: hidden layers", 3);
    public static TrainParameter<string?> Schedule { get; } = new("--schedule", "β schedule: linear, cosine or sigmoid (default linear for toys, cosine for images)")
    {
        Choices = ["linear", "cosine", "sigmoid"],
    };
    public static TrainParameter<float?> Ema { get; } = new("--ema", "EMA decay of the weights, with warm-up (default 0.995 for toys, 0.9999 for images; 0: off)");
    public static TrainParameter<string> Prediction { get; } = new("--prediction", "images: what the UNet predicts: eps, v or x0", "eps") { Choices = ["eps", "v", "x0"] };
    public static TrainParameter<bool> Cond { get; } = new("--cond", "images: class-conditional model with classifier-free guidance (needs labels)");
    public static TrainParameter<float> PUncond { get; } = new("--p-uncond", "images: probability of dropping a label in training (with --cond)", 0.1f);
    public static TrainParameter<string> Channels { get; } = new("--channels", "images: UNet channels per level, finest first (H, W divisible by 2^(levels−1))", "32,64,64");
    public static TrainParameter<int> Blocks { get; } = new("--blocks", "images: ResBlocks per UNet level", 1);
    public static TrainParameter<int> TimeDim { get; } = new("--time-dim", "images: width of the time/label embedding MLP", 256);
    public static TrainParameter<bool> Attention { get; } = new("--attention", "images: self-attention at the lowest resolution");
    public static TrainParameter<int> Timesteps { get; } = new("--timesteps", "images: diffusion steps T", 1000);
    public static TrainParameter<int> SampleSteps { get; } = new("--sample-steps", "images: DDIM steps for the sample grids", 50);

    public static TrainingRecipe Ddpm { get; } = new()
    {
        Command = "ddpm",
        Description = "DDPM: on 2-D toy data (ε-MLP) or on images (UNet; fashion-mnist, idx:DIR, folder:DIR)",
        DataHelp = $"training data: fashion-mnist, idx:DIR, folder:DIR, or a 2-D toy ({string.Join(", ", ToyData.Names)})",
        DataDefault = "8gaussians",
        Steps = 3000,
        SampleEvery = 1000,
        BatchHelp = "batch size (default 1024 for toys, 128 for images)",
        LearningRateHelp = "Adam learning rate (default 1e-3 for toys, 2e-4 for images)",
        SamplesHelp = "points drawn for samples.png and the MMD (toys, default 2000) or images in each sample grid (default 64)",
        Parameters = [Hidden, Layers, Schedule, Ema, Prediction, Cond, PUncond, Channels, Blocks, TimeDim, Attention, Timesteps, SampleSteps],
        LiveView = new("show the loss curve, steps/s and samples live in a window",
            "with --view: new samples from the EMA weights (images: 16 in 20 DDIM steps; toys: 1,000 points in 50) every K steps", 100),
        Prepare = Prepare,
    };

    /// <summary>What a toy run would silently ignore, so it refuses them instead.</summary>
    private static IEnumerable<TrainParameter> ImageOnly =>
        [Prediction, Cond, PUncond, Channels, Blocks, TimeDim, Attention, Timesteps, SampleSteps];

    private static OpenTraining Prepare(TrainArguments a)
    {
        string spec = a.Data;
        if (ToyData.IsToy(spec))
        {
            TrainingSetup.Refuse(a, ImageOnly, p => $"{p.Name} applies to image data only, not to the 2-D toy '{spec}'");
            return (device, resume) => Toy(a, device, resume);
        }
        var data = TrainingSetup.OpenData(spec);
        return (device, resume) => Images(a, data, device, resume);
    }

    private static ITrainingRun Toy(TrainArguments a, Device device, RunFolder.Found? resume)
    {
        int samples = a.SamplesOr(2000);
        string spec = ToyData.Canonical(a.Data);
        if (resume is not null)
        {
            var model = ToyDiffusion.Load(device, resume.Path);
            return TrainingSetup.Wrap(model, resume, m => m.Config.Data == spec
                ? new ToyDiffusionTraining(m, samples)
                : throw new ArgumentException($"the model was trained on {m.Config.Data}, not on {spec}"));
        }
        var config = new ToyDiffusionConfig(Data: spec, Hidden: a.Get(Hidden), HiddenLayers: a.Get(Layers), LearningRate: a.LearningRateOr(1e-3f),
            Batch: a.BatchOr(1024), Seed: a.Seed, Schedule: a.Get(Schedule) ?? "linear", EmaDecay: a.Get(Ema) ?? 0.995f);
        return new ToyDiffusionTraining(TrainingSetup.Checked(() => ToyDiffusion.Create(device, config)), samples);
    }

    private static ITrainingRun Images(TrainArguments a, Dataset data, Device device, RunFolder.Found? resume)
    {
        int grid = a.SamplesOr(64);
        int sampleSteps = TrainingSetup.Positive(a.Get(SampleSteps), SampleSteps);
        var model = resume is not null ? ImageDiffusion.Load(device, resume.Path) : TrainingSetup.Checked(() => ImageDiffusion.Create(device, NewConfig(a, data)));
        return TrainingSetup.Wrap(model, resume, m => new ImageDiffusionTraining(m, data, grid, sampleSteps));
    }

    private static ImageDiffusionConfig NewConfig(TrainArguments a, Dataset data)
    {
        string channelList = a.Get(Channels);
        int[] channels;
        try
        {
            channels = channelList.Split(',', StringSplitOptions.TrimEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new TrainArgumentException($"--channels must be comma-separated numbers like 32,64,64, got '{channelList}'");
        }
        if (a.Get(Cond) && !data.HasLabels) throw new TrainArgumentException($"--cond: {a.Data} has no labels (folder:DIR needs one sub-folder per class)");
        var config = new ImageDiffusionConfig
        {
            Data = a.Data,
            ImageChannels = data.Channels,
            Height = data.Height,
            Width = data.Width,
            Channels = channels,
            BlocksPerLevel = a.Get(Blocks),
            TimeDim = a.Get(TimeDim),
            Attention = a.Get(Attention),
            Classes = a.Get(Cond) ? data.ClassCount : 0,
            PUncond = a.Get(PUncond),
            Schedule = a.Get(Schedule) ?? "cosine",
            Timesteps = a.Get(Timesteps),
            Prediction = Diffusion.Prediction.Parse(a.Get(Prediction)),
            LearningRate = a.LearningRateOr(2e-4f),
            Batch = a.BatchOr(128),
            Seed = a.Seed,
            EmaDecay = a.Get(Ema) ?? 0.9999f,
        };
        config.Validate();
        return config;
    }
}
