using GpuGen.Data;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// DDPM on 2-D toy data, end to end: the ε-MLP, Adam, an EMA of the weights, the trainer, sampling
/// with DDPM or DDIM, and checkpoints. This is what `gpugen train ddpm` and the embedding example
/// drive; it is also the ddpm_2d_step benchmark.
/// </summary>
public sealed class ToyDiffusion : IDisposable
{
    public const string Family = "ddpm-2d";

    /// <summary>Data batches come from their own Philox streams (high bit set), apart from the trainer's.</summary>
    private const ulong DataStreams = 1UL << 62;

    private Tensor batch;
    private readonly float[] hostBatch;

    private ToyDiffusion(Device device, ToyDiffusionConfig config)
    {
        config.Validate();
        Config = config;
        Device = device;
        Schedule = NoiseSchedule.Create(config.Schedule, config.Timesteps, config.BetaStart, config.BetaEnd);
        Model = new EpsMlp(device, config.Network, new Initializer(config.Seed));
        Optimizer = new Adam(Model.Parameters(), config.LearningRate);
        Ema = config.EmaDecay > 0 ? new Ema(Model.Parameters(), config.EmaDecay, warmup: true) : null;
        Trainer = new DiffusionTrainer(Model, Schedule, Optimizer, config.Seed, Ema);
        hostBatch = new float[config.Batch * 2];
        batch = Tensor.Zeros(device, config.Batch, 2);
    }

    public static ToyDiffusion Create(Device device, ToyDiffusionConfig config) => new(device, config);

    /// <summary>Restores a run from a checkpoint written by <see cref="Save"/> (weights, EMA, optimizer, step).</summary>
    public static ToyDiffusion Load(Device device, string path)
    {
        return Checkpoint.Load(path, [Family], c => new ToyDiffusion(device, ConfigJson.Read<ToyDiffusionConfig>(c)), r => r.State());
    }

    public ToyDiffusionConfig Config { get; }

    public Device Device { get; }

    public NoiseSchedule Schedule { get; }

    public EpsMlp Model { get; }

    public Adam Optimizer { get; }

    /// <summary>The moving average of the weights; null when the config's decay is 0.</summary>
    public Ema? Ema { get; }

    public DiffusionTrainer Trainer { get; }

    public long Step => Optimizer.StepCount;

    /// <summary>One training step on a fresh batch of the toy distribution (this process's share of it); returns the loss.</summary>
    public float TrainStep()
    {
        ToyData.Fill(Config.Data, hostBatch, Config.Seed, DataStreams | (ulong)Step);
        int rows = batch.Dim(0);
        batch.CopyFrom(hostBatch.AsSpan(Trainer.Share.FirstRow(rows) * 2, rows * 2));
        return Trainer.TrainStep(batch);
    }

    /// <summary>Trains on <paramref name="share"/> of every batch from now on (data-parallel training).</summary>
    public void Share(BatchShare share)
    {
        int rows = share.Rows(Config.Batch);
        batch.Dispose();
        batch = Tensor.Zeros(Device, rows, 2);
        Trainer.Share = share;
    }

    /// <summary>The run's state as its checkpoints name it: weights, buffers, EMA and optimizer state.</summary>
    public StateDict State() => new StateDict(Model).WithEma(Ema).WithOptimizer(Optimizer);

    public void Save(string path) => Checkpoint.Save(path, Family, ConfigJson.Write(Config), Step, State());

    /// <summary>
    /// n samples [n, 2] with the EMA weights (or the live ones); DDPM ancestral sampling, or DDIM when
    /// <paramref name="scheduler"/> says so. The observer sees every step (for the reverse-chain strip).
    /// </summary>
    public float[] Sample(int n, ulong seed, bool useEma = true, IScheduler? scheduler = null, DiffusionSampler.StepObserver? observer = null)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"number of samples must be positive, got {n}");
        scheduler ??= new DdpmScheduler(Schedule);
        var ema = useEma ? Ema : null;
        ema?.Swap();
        try
        {
            using var x = DiffusionSampler.Sample(Model, scheduler, Device, [n, 2], seed, observer);
            return x.ToArray();
        }
        finally
        {
            ema?.Swap();
        }
    }

    /// <summary>n points of the training distribution from a stream no training batch uses.</summary>
    public float[] DataSample(int n, ulong seed) => ToyData.Sample(Config.Data, n, seed, DataStreams - 1);

    public void Dispose()
    {
        Trainer.Dispose();
        Ema?.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
        batch.Dispose();
    }
}
