using GpuGen.Tensors;

namespace GpuGen.Optim;

/// <summary>AdamW (Loshchilov &amp; Hutter 2019): Adam with decoupled weight decay, torch's defaults.</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float eps = 1e-8f, float weightDecay = 1e-2f)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, decoupled: true)
    {
    }
}
