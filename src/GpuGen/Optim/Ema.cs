using GpuGen.Tensors;

namespace GpuGen.Optim;

/// <summary>
/// Exponential moving average of weights (Polyak averaging as used by DDPM): shadow ← d·shadow +
/// (1 − d)·param after each optimizer step. Sampling from the shadow weights gives smoother models.
/// </summary>
public sealed class Ema : IDisposable
{
    private readonly Tensor[] parameters;

    public Ema(IEnumerable<Tensor> parameters, float decay = 0.999f)
    {
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

    public IReadOnlyList<Tensor> Shadow { get; }

    public void Update()
    {
        for (int i = 0; i < parameters.Length; i++)
            parameters[i].Device.Kernels.EmaUpdate(parameters[i].Length, Shadow[i].Storage, parameters[i].Storage, Decay);
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
