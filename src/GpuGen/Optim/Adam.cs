using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) as torch.optim.Adam: bias-corrected moments, coupled L2 weight decay;
/// with <c>decoupled</c> it is AdamW (Loshchilov &amp; Hutter 2019). One fused kernel per parameter.
/// </summary>
public class Adam : IDisposable
{
    private readonly Tensor[] parameters;

    public Adam(IEnumerable<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float eps = 1e-8f, float weightDecay = 0f, bool decoupled = false)
    {
        this.parameters = parameters.ToArray();
        if (this.parameters.Length == 0) throw new ArgumentException("Adam needs at least one parameter");
        foreach (var p in this.parameters)
            if (p.Grad is null) throw new ArgumentException($"parameter {p.Describe()} has no gradient; register it with Module.Parameter");
        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = eps;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
        FirstMoments = this.parameters.Select(p => p.ZerosLike()).ToArray();
        SecondMoments = this.parameters.Select(p => p.ZerosLike()).ToArray();
    }

    public float LearningRate { get; set; }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Epsilon { get; }

    public float WeightDecay { get; }

    public bool Decoupled { get; }

    /// <summary>Number of steps taken, the model's step count; checkpoints save and restore it.</summary>
    public long StepCount { get; set; }

    /// <summary>
    /// Steps since the moments were zero (t in the paper), which the bias correction divides by: the
    /// same as <see cref="StepCount"/> unless the run started from weights without moments.
    /// </summary>
    public long MomentSteps { get; set; }

    public IReadOnlyList<Tensor> Parameters => parameters;

    /// <summary>
    /// Runs first in <see cref="Step"/>, when the gradients are complete and before they are used:
    /// data-parallel training averages them over the processes here (<see cref="Distributed.DataParallel"/>).
    /// </summary>
    public Action<Adam>? BeforeUpdate { get; set; }

    /// <summary>m, one per parameter, for checkpoints.</summary>
    public IReadOnlyList<Tensor> FirstMoments { get; }

    /// <summary>v, one per parameter, for checkpoints.</summary>
    public IReadOnlyList<Tensor> SecondMoments { get; }

    /// <summary>Zeroes every gradient (lazily: the first backward write stores instead of adding; see <see cref="Tensor.ZeroGradLazily"/>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.ZeroGradLazily();
    }

    public void Step()
    {
        BeforeUpdate?.Invoke(this);
        StepCount++;
        MomentSteps++;
        var args = new AdamArgs(LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Decoupled,
            BiasCorrection1: (float)(1 - Math.Pow(Beta1, MomentSteps)),
            BiasCorrection2: (float)(1 - Math.Pow(Beta2, MomentSteps)));
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            p.Device.Kernels.AdamStep(p.Length, p.Storage, p.Grad!.Storage, FirstMoments[i].Storage, SecondMoments[i].Storage, args);
        }
    }

    public void Dispose()
    {
        foreach (var t in FirstMoments) t.Dispose();
        foreach (var t in SecondMoments) t.Dispose();
        GC.SuppressFinalize(this);
    }
}
