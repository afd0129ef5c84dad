using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// torch.nn.Dropout(p): in training mode zeroes each element with probability p and scales the rest
/// by 1/(1 − p); in evaluation mode the identity. Call k of a layer draws its mask from Philox stream
/// k of <see cref="Seed"/>, so a run is reproducible; <see cref="Calls"/> can be saved and restored.
/// </summary>
public sealed class Dropout : Module, ILayer
{
    public Dropout(Device device, float p, ulong seed) : base(device)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: the probability must lie in [0, 1]");
        P = p;
        Seed = seed;
    }

    public float P { get; }

    public ulong Seed { get; }

    /// <summary>Forward calls made in training mode so far: the stream of the next mask.</summary>
    public ulong Calls { get; set; }

    public Tensor Forward(Tensor x) => Training ? Ops.Dropout(x, P, Seed, Calls++, training: true) : x;
}
