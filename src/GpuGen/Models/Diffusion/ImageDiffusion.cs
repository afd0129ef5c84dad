using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// DDPM/DDIM on images, end to end: a (class-conditional) UNet denoiser, Adam, an EMA of the
/// weights, the trainer, checkpoints that resume bit for bit, and sampling — all at once with
/// <see cref="Sample"/>, or step by step with <see cref="StartSampling"/> (what the viewer drives).
/// </summary>
public sealed class ImageDiffusion : IDisposable
{
    public const string Family = "ddpm-image";

    private ImageDiffusion(Device device, ImageDiffusionConfig config)
    {
        config.Validate();
        Config = config;
        Device = device;
        Schedule = NoiseSchedule.Create(config.Schedule, config.Timesteps, config.BetaStart, config.BetaEnd);
        Net = new UNet(device, config.Network, new Initializer(config.Seed));
        Denoiser = new UNetDenoiser(Net);
        Optimizer = new Adam(Net.Parameters(), config.LearningRate);
        Ema = config.EmaDecay > 0 ? new Ema(Net.Parameters(), config.EmaDecay, warmup: true) : null;
        Trainer = new DiffusionTrainer(Denoiser, Schedule, Optimizer, config.Seed, Ema, config.Prediction, config.Classes > 0 ? config.PUncond : 0f);
    }

    public static ImageDiffusion Create(Device device, ImageDiffusionConfig config) => new(device, config);

    /// <summary>Restores a run from a checkpoint written by <see cref="Save"/> (weights, EMA, optimizer, step).</summary>
    public static ImageDiffusion Load(Device device, string path)
    {
        return Checkpoint.Load(path, [Family], c => new ImageDiffusion(device, ConfigJson.Read<ImageDiffusionConfig>(c)), r => r.State());
    }

    public ImageDiffusionConfig Config { get; }

    public Device Device { get; }

    public NoiseSchedule Schedule { get; }

    public UNet Net { get; }

    public UNetDenoiser Denoiser { get; }

    public Adam Optimizer { get; }

    /// <summary>The moving average of the weights; null when the config's decay is 0.</summary>
    public Ema? Ema { get; }

    public DiffusionTrainer Trainer { get; }

    public long Step => Optimizer.StepCount;

    public bool Conditional => Config.Classes > 0;

    /// <summary>Shape of one image, [C, H, W].</summary>
    public int[] ImageShape => [Config.ImageChannels, Config.Height, Config.Width];

    /// <summary>One training step on images [B, C, H, W] in [−1, 1] (and their labels when conditional); returns the loss.</summary>
    public float TrainStep(Tensor images, ReadOnlySpan<int> labels = default)
    {
        if (images.Rank != 4 || images.Dim(1) != Config.ImageChannels || images.Dim(2) != Config.Height || images.Dim(3) != Config.Width)
            throw new ArgumentException($"this model trains on [B, {Config.ImageChannels}, {Config.Height}, {Config.Width}] images, got {images.Describe()}");
        if (Conditional && labels.Length != images.Dim(0))
            throw new ArgumentException($"a class-conditional model needs one label per image: {labels.Length} labels for {images.Dim(0)} images");
        return Trainer.TrainStep(images, Conditional ? labels : default);
    }

    /// <summary>The run's state as its checkpoints name it: weights, buffers, EMA and optimizer state.</summary>
    public StateDict State() => new StateDict(Net).WithEma(Ema).WithOptimizer(Optimizer);

    public void Save(string path) => Checkpoint.Save(path, Family, ConfigJson.Write(Config), Step, State());

    /// <summary>
    /// A sampler over this model's schedule: "ddpm" (ancestral; respaced when 0 &lt; steps &lt; T) or
    /// "ddim" (steps 0 means 50), x̂₀ clipped to ±clip (1 for data in [−1, 1]; 0 turns it off).
    /// </summary>
    public IScheduler Scheduler(string sampler = "ddpm", int steps = 0, float eta = 0f, float clip = 1f,
        TimestepSpacing? spacing = null, bool fixedSmallVariance = false) => sampler switch
    {
        "ddpm" => new DdpmScheduler(Schedule, fixedSmallVariance, clip, steps, Config.Prediction, spacing ?? TimestepSpacing.Leading),
        "ddim" => new DdimScheduler(Schedule, steps == 0 ? Math.Min(50, Schedule.Steps) : steps, eta, clip, Config.Prediction, spacing ?? TimestepSpacing.Trailing),
        _ => throw new ArgumentException($"unknown sampler '{sampler}' (expected ddpm or ddim)"),
    };

    /// <summary>
    /// Begins a reverse chain of <paramref name="n"/> images from x_T ~ N(0, I) (stream 0 of the seed).
    /// For a conditional model, <paramref name="labels"/> (one per image, the class count meaning
    /// "none") and the guidance scale w apply; null labels cycle through the classes (image i gets
    /// class i mod classes). The session swaps the EMA weights in only while it steps, so training
    /// can go on between steps.
    /// </summary>
    public ImageSampling StartSampling(int n, ulong seed, IScheduler? scheduler = null, ReadOnlySpan<int> labels = default,
        float guidance = 1f, bool useEma = true)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"number of samples must be positive, got {n}");
        scheduler ??= Scheduler();
        if (!ReferenceEquals(scheduler.Schedule, Schedule) && !scheduler.Schedule.Betas.SequenceEqual(Schedule.Betas))
            throw new ArgumentException("the scheduler's noise schedule is not the one this model was trained with");
        ClassGuidance? g = null;
        if (Conditional)
        {
            int[] all = labels.IsEmpty ? Enumerable.Range(0, n).Select(i => i % Config.Classes).ToArray() : labels.ToArray();
            if (all.Length != n) throw new ArgumentException($"{all.Length} labels for {n} samples");
            g = new ClassGuidance(Device, Denoiser, all, guidance);
        }
        else if (!labels.IsEmpty || guidance != 1f)
        {
            throw new ArgumentException("this model is unconditional: it takes no labels or guidance");
        }
        return new ImageSampling(this, scheduler, n, seed, g, useEma ? Ema : null);
    }

    /// <summary>All steps at once; returns the samples [n, C, H, W] as floats in about [−1, 1].</summary>
    public float[] Sample(int n, ulong seed, IScheduler? scheduler = null, ReadOnlySpan<int> labels = default, float guidance = 1f,
        bool useEma = true, DiffusionSampler.StepObserver? observer = null)
    {
        using var session = StartSampling(n, seed, scheduler, labels, guidance, useEma);
        session.Run(observer);
        return session.X.ToArray();
    }

    public void Dispose()
    {
        Trainer.Dispose();
        Ema?.Dispose();
        Optimizer.Dispose();
        Net.Dispose();
    }
}
