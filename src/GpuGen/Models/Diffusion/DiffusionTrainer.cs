using GpuGen.Autograd;
using GpuGen.Data;
using GpuGen.Optim;
using GpuGen.Random;
using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Training with the "simple" objective of Ho et al. 2020 (Algorithm 1): t ~ U{0..T−1} and
/// ε ~ N(0, I) per example, xₜ = √ᾱₜ x₀ + √(1−ᾱₜ) ε, loss = mean ‖target − model(xₜ, t)‖² with
/// target ε, x₀ or v as <see cref="Prediction"/> says. For a class-conditional model each label is
/// replaced by "no label" with probability <see cref="PUncond"/> (classifier-free guidance training,
/// Ho &amp; Salimans 2022). Every random number of step s comes from Philox streams derived from
/// (seed, s), so a run is reproducible on any backend and resumable from a checkpoint's step count.
/// </summary>
public sealed class DiffusionTrainer : IDisposable
{
    private readonly ScheduleTables tables;

    public DiffusionTrainer(IEpsModel model, NoiseSchedule schedule, Adam optimizer, ulong seed, Ema? ema = null,
        PredictionType prediction = PredictionType.Epsilon, float pUncond = 0f)
    {
        if (!(pUncond >= 0 && pUncond <= 1)) throw new ArgumentOutOfRangeException(nameof(pUncond), $"label drop probability must be in [0, 1], got {pUncond}");
        Model = model;
        Schedule = schedule;
        Optimizer = optimizer;
        Ema = ema;
        Seed = seed;
        Prediction = prediction;
        PUncond = pUncond;
        Device = optimizer.Parameters[0].Device;
        tables = new ScheduleTables(schedule, Device);
    }

    public IEpsModel Model { get; }

    public NoiseSchedule Schedule { get; }

    public Adam Optimizer { get; }

    public Ema? Ema { get; }

    public ulong Seed { get; }

    public PredictionType Prediction { get; }

    public float PUncond { get; }

    public Device Device { get; }

    public ScheduleTables Tables => tables;

    /// <summary>The rows of each global batch this process trains on; their noise is the global batch's (<see cref="BatchShare"/>).</summary>
    public BatchShare Share { get; set; } = BatchShare.Whole;

    /// <summary>Steps taken so far (the optimizer's count).</summary>
    public long Step => Optimizer.StepCount;

    /// <summary>Philox stream of the k-th random draw (k &lt; 4) of training step s.</summary>
    public static ulong Stream(long step, int k) => ((ulong)step << 2) | (uint)k;

    /// <summary>One optimisation step on a batch x₀ [B, …] (with its labels for a conditional model); returns the loss.</summary>
    public float TrainStep(Tensor x0, ReadOnlySpan<int> labels = default)
    {
        using var scope = Device.Step();
        var loss = Loss(x0, Step, labels);
        Optimizer.ZeroGrad();
        loss.Backward();
        Optimizer.Step();
        Ema?.Update();
        return loss.Item();
    }

    /// <summary>The simple loss for a batch, with the noise, timesteps and label drops of training step <paramref name="step"/>.</summary>
    public Tensor Loss(Tensor x0, long step, ReadOnlySpan<int> labels = default)
    {
        int batch = x0.Dim(0);
        var t = Ops.UniformInts(Device, batch, Seed, Stream(step, 0), Share.Offset(batch, 1), 0, Schedule.Steps);
        var eps = Ops.Gaussian(Device, x0.Dims.ToArray(), Seed, Stream(step, 1), Share.Offset(batch, (int)(x0.Length / batch)));
        var v = Prediction == PredictionType.V ? Tensor.Empty(Device, x0.Dims.ToArray()) : null;
        var xt = tables.AddNoise(x0, eps, t, v);
        var output = Model is IConditionalEpsModel { Classes: > 0 } cond && !labels.IsEmpty
            ? cond.PredictNoise(xt, t, DroppedLabels(cond.Classes, labels, batch, step))
            : Model.PredictNoise(xt, t);
        var target = Prediction switch
        {
            PredictionType.Epsilon => eps,
            PredictionType.Sample => x0,
            _ => v!,
        };
        return Ops.MseLoss(output, target);
    }

    /// <summary>The batch's labels with each replaced by "no label" (= classes) when u &lt; PUncond, u from stream (step, 2).</summary>
    private Tensor DroppedLabels(int classes, ReadOnlySpan<int> labels, int batch, long step)
    {
        if (labels.Length != batch) throw new ArgumentException($"a class-conditional model needs {batch} labels for the batch, got {labels.Length}");
        var dropped = new int[batch];
        int first = Share.FirstRow(batch);
        for (int b = 0; b < batch; b++)
        {
            if (labels[b] < 0 || labels[b] >= classes) throw new ArgumentOutOfRangeException(nameof(labels), $"label {labels[b]} of example {b} is outside 0 … {classes - 1}");
            dropped[b] = Philox.Uniform(Philox.Bits(Seed, Stream(step, 2), (ulong)(first + b))) < PUncond ? classes : labels[b];
        }
        return Tensor.FromInts(Device, dropped, batch);
    }

    public void Dispose()
    {
        tables.Dispose();
    }
}
