using GpuGen.Autograd;
using GpuGen.Backends;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Diffusion;

/// <summary>Shape of an <see cref="EpsMlp"/>; the defaults are the ddpm_2d_step network of bench/README.md.</summary>
public sealed record EpsMlpConfig(int DataDim = 2, int EmbeddingDim = 32, int Hidden = 128, int HiddenLayers = 3)
{
    public void Validate()
    {
        if (DataDim < 1) throw new ArgumentException($"data dimension must be positive, got {DataDim}");
        if (EmbeddingDim < 4 || EmbeddingDim % 2 != 0) throw new ArgumentException($"time embedding size must be even and at least 4, got {EmbeddingDim}");
        if (Hidden < 1) throw new ArgumentException($"hidden width must be positive, got {Hidden}");
        if (HiddenLayers < 1) throw new ArgumentException($"need at least one hidden layer, got {HiddenLayers}");
    }
}

/// <summary>
/// ε-prediction MLP for low-dimensional data: input concat(xₜ, emb(t)) → [Linear SiLU] × layers →
/// Linear → ε̂. With the default config: 34 → 128 → 128 → 128 → 2, 37,762 parameters.
/// </summary>
public sealed class EpsMlp : Module, IEpsModel
{
    public EpsMlp(Device device, EpsMlpConfig config, Initializer init) : base(device)
    {
        config.Validate();
        Config = config;
        var net = new Sequential(device);
        int width = config.DataDim + config.EmbeddingDim;
        for (int i = 0; i < config.HiddenLayers; i++)
        {
            net.Add(new Linear(device, width, config.Hidden, init));
            net.Add(new Activation(device, UnaryOp.Silu));
            width = config.Hidden;
        }
        net.Add(new Linear(device, width, config.DataDim, init));
        Net = Child("net", net);
    }

    public EpsMlpConfig Config { get; }

    public Sequential Net { get; }

    public Tensor PredictNoise(Tensor xt, Tensor t)
    {
        if (xt.Rank != 2 || xt.Dim(1) != Config.DataDim)
            throw new ArgumentException($"EpsMlp expects points [B, {Config.DataDim}], got {xt.Describe()}");
        var emb = Ops.TimestepEmbedding(t, Config.EmbeddingDim);
        return Net.Forward(Ops.Concat(1, xt, emb));
    }
}
