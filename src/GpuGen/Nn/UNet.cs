using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// The ε-prediction UNet of DDPM in its small form (bench/README.md d): a time MLP, a conv in,
/// ResBlocks going down (average-pooling between levels) and up (nearest upsampling, then the skip
/// of the same resolution concatenated after the upsampled features), and GroupNorm–SiLU–conv out.
/// With Classes &gt; 0 a label embedding is added to the time embedding; label Classes means "no
/// label", which classifier-free guidance uses for its unconditional pass.
/// </summary>
public sealed class UNet : Module
{
    private readonly ResBlock[][] down;
    private readonly ResBlock[][] up;

    public UNet(Device device, UNetConfig config, Initializer init) : base(device)
    {
        config.Validate();
        Config = config;
        var ch = config.LevelChannels;
        TimeIn = Child("time_mlp.0", new Linear(device, config.TimeEmbeddingDim, config.TimeDim, init));
        TimeOut = Child("time_mlp.2", new Linear(device, config.TimeDim, config.TimeDim, init));
        LabelEmbedding = config.Conditional ? Child("label_emb", new Embedding(device, config.Classes + 1, config.TimeDim, init)) : null;
        ConvIn = Child("conv_in", new Conv2d(device, config.ImageChannels, ch[0], 3, init, padding: 1));

        down = new ResBlock[ch.Length][];
        int c = ch[0];
        for (int level = 0; level < ch.Length; level++)
        {
            down[level] = new ResBlock[config.BlocksPerLevel];
            for (int b = 0; b < config.BlocksPerLevel; b++)
            {
                down[level][b] = Child($"down.{level}.{b}", new ResBlock(device, c, ch[level], config.TimeDim, config.Groups, init));
                c = ch[level];
            }
        }
        MidAttention = config.Attention ? Child("mid_attn", new SelfAttention2d(device, ch[^1], config.Groups, init)) : null;
        up = new ResBlock[ch.Length - 1][];
        for (int level = ch.Length - 2; level >= 0; level--)
        {
            up[level] = new ResBlock[config.BlocksPerLevel];
            for (int b = 0; b < config.BlocksPerLevel; b++)
            {
                int cin = b == 0 ? c + ch[level] : ch[level];
                up[level][b] = Child($"up.{level}.{b}", new ResBlock(device, cin, ch[level], config.TimeDim, config.Groups, init));
                c = ch[level];
            }
        }
        NormOut = Child("norm_out", new GroupNorm(device, config.Groups, ch[0]));
        ConvOut = Child("conv_out", new Conv2d(device, ch[0], config.ImageChannels, 3, init, padding: 1));
    }

    public UNetConfig Config { get; }

    public Linear TimeIn { get; }

    public Linear TimeOut { get; }

    public Embedding? LabelEmbedding { get; }

    public Conv2d ConvIn { get; }

    /// <summary>Self-attention at the lowest resolution, when the config asks for it.</summary>
    public SelfAttention2d? MidAttention { get; }

    public GroupNorm NormOut { get; }

    public Conv2d ConvOut { get; }

    /// <summary>x [N, C, H, W] (H, W divisible by 2^(levels−1)), t int [N], labels int [N] or null → ε̂ [N, C, H, W].</summary>
    public Tensor Forward(Tensor x, Tensor t, Tensor? labels)
    {
        int levels = Config.LevelChannels.Length;
        if (x.Rank != 4 || x.Dim(1) != Config.ImageChannels)
            throw new ArgumentException($"UNet expects images [N, {Config.ImageChannels}, H, W], got {x.Describe()}");
        int divisor = 1 << (levels - 1);
        if (x.Dim(2) % divisor != 0 || x.Dim(3) % divisor != 0)
            throw new ArgumentException($"UNet with {levels} levels needs H and W divisible by {divisor}, got {x.Describe()}");

        var temb = TimeOut.Forward(Ops.Silu(TimeIn.Forward(Ops.TimestepEmbedding(t, Config.TimeEmbeddingDim))));
        if (LabelEmbedding is not null)
        {
            if (labels is null) throw new ArgumentException("this UNet is class-conditional: pass labels (use the 'no label' index for unconditional)");
            temb = Ops.Add(temb, LabelEmbedding.Forward(labels));
        }
        var siluTemb = Ops.Silu(temb);

        var h = ConvIn.Forward(x);
        var skips = new Tensor[levels - 1];
        for (int level = 0; level < levels; level++)
        {
            if (level > 0) h = Ops.AvgPool2x2(h);
            foreach (var block in down[level]) h = block.Forward(h, siluTemb);
            if (level < levels - 1) skips[level] = h;
        }
        if (MidAttention is not null) h = MidAttention.Forward(h);
        for (int level = levels - 2; level >= 0; level--)
        {
            h = Ops.Concat(1, Ops.UpsampleNearest2x(h), skips[level]);
            foreach (var block in up[level]) h = block.Forward(h, siluTemb);
        }
        return ConvOut.Forward(NormOut.ForwardSilu(h));
    }
}
