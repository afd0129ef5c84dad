using GpuGen.Tensors;

namespace GpuGen.Optim;

/// <summary>
/// Exponential moving average of weights (Polyak averaging as used by DDPM): shadow ← d·shadow +
/// (1 − d)·param after each optimizer step. Sampling from the shadow weights gives smoother models.
/// </summary>
public sealed class Ema : IDisposable
{
    private readonly Tensor[] parameters;

    /// <param name="parameters">The live weights to average.</param>
    /// <param name="decay">d in shadow ← d·shadow + (1 − d)·param.</param>
    /// <param name="warmup">
    /// Use min(decay, (1 + n)/(10 + n)) at the n-th update (TensorFlow's num_updates rule), so that a
    /// short run's average is not dominated by the initial weights.
    /// </param>
    public Ema(IEnumerable<Tensor> parameters, float decay = 0.999f, bool warmup = false)
    {
        Warmup = warmup;
        this.parameters = parameters.ToArray();
        Decay = decay;
        Shadow = this.parameters.Select(p =>
        {
            var s = p.EmptyLike();
            s.CopyFrom(p);
            return s;
        }).ToArray();
    }

    public float Decay { get; }

    /// <summary>The live weights, in the order of <see cref="Shadow"/>.</summary>
    public IReadOnlyList<Tensor> Parameters => parameters;

    public bool Warmup { get; }

    /// <summary>Updates so far (checkpoints save it, for the warm-up rule).</summary>
    public long Updates { get; set; }

    /// <summary>The decay the next update uses.</summary>
    public float CurrentDecay => Warmup ? Math.Min(Decay, (1f + Updates) / (10f + Updates)) : Decay;

    public IReadOnlyList<Tensor> Shadow { get; }

    public void Update()
    {
        float decay = CurrentDecay;
        Updates++;
        for (int i = 0; i < parameters.Length; i++)
            parameters[i].Device.Kernels.EmaUpdate(parameters[i].Length, Shadow[i].Storage, parameters[i].Storage, decay);
    }

    /// <summary>Exchanges the live weights with the averaged ones (call twice to undo).</summary>
    public void Swap()
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            using var tmp = parameters[i].EmptyLike();
            tmp.CopyFrom(parameters[i]);
            parameters[i].CopyFrom(Shadow[i]);
            Shadow[i].CopyFrom(tmp);
        }
    }

    public void Dispose()
    {
        foreach (var s in Shadow) s.Dispose();
    }
}
