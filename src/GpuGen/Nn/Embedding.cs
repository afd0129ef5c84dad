using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>torch.nn.Embedding(vocab, dim): int indices […] → rows of weight [vocab, dim], initialised N(0, 1).</summary>
public sealed class Embedding : Module, ILayer
{
    public Embedding(Device device, int vocab, int dim, Initializer init) : base(device)
    {
        if (vocab <= 0 || dim <= 0) throw new ArgumentException($"Embedding: vocab and dim must be positive, got {vocab} and {dim}");
        Vocab = vocab;
        Dim = dim;
        Weight = Parameter("weight", init.Normal(device, 0f, 1f, vocab, dim));
    }

    public int Vocab { get; }

    public int Dim { get; }

    public Tensor Weight { get; }

    public Tensor Forward(Tensor indices) => Ops.Embedding(indices, Weight);
}
