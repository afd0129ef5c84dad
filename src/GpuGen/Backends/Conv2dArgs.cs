namespace GpuGen.Backends;

/// <summary>
/// The geometry of a 2-D convolution over NCHW tensors, as torch.nn.functional.conv2d defines it:
/// x [Batch, InChannels, Height, Width], w [OutChannels, InChannels/Groups, KernelH, KernelW],
/// y [Batch, OutChannels, OutHeight, OutWidth] with
/// y[n,o,i,j] = Σ_{c,u,v} w[o,c,u,v] · x[n, g·Cin/G + c, i·strideH − padH + u·dilH, j·strideW − padW + v·dilW]
/// (g = o / (Cout/G); taps outside the image read 0). A transposed convolution is the adjoint of the
/// convolution whose geometry this describes (its input is this y, its output this x).
/// </summary>
public readonly record struct Conv2dArgs(
    int Batch, int InChannels, int OutChannels, int Height, int Width,
    int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1,
    int PadH = 0, int PadW = 0,
    int DilationH = 1, int DilationW = 1,
    int Groups = 1)
{
    /// <summary>⌊(H + 2·padH − dilH·(kh − 1) − 1) / strideH⌋ + 1.</summary>
    public int OutHeight => (Height + 2 * PadH - DilationH * (KernelH - 1) - 1) / StrideH + 1;

    /// <summary>⌊(W + 2·padW − dilW·(kw − 1) − 1) / strideW⌋ + 1.</summary>
    public int OutWidth => (Width + 2 * PadW - DilationW * (KernelW - 1) - 1) / StrideW + 1;

    public int InPerGroup => InChannels / Groups;

    public int OutPerGroup => OutChannels / Groups;

    /// <summary>Rows of one group's im2col matrix: Cin/G · kh · kw (the GEMM depth).</summary>
    public int PatchSize => InPerGroup * KernelH * KernelW;

    public long InputLength => (long)Batch * InChannels * Height * Width;

    public long OutputLength => (long)Batch * OutChannels * OutHeight * OutWidth;

    public long WeightLength => (long)OutChannels * PatchSize;

    /// <summary>Multiply-adds ×2 of the forward pass (backward-data and backward-weight cost the same each).</summary>
    public double Flops => 2.0 * Batch * OutChannels * OutHeight * OutWidth * PatchSize;

    /// <summary>True for a 1×1, stride-1, unpadded convolution: the input already is its im2col matrix.</summary>
    public bool IsPointwise => KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1 && PadH == 0 && PadW == 0;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first field that is out of range.</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value <= 0) throw new ArgumentException($"Conv2d: {name} must be positive, got {value}");
        }
        Positive(Batch, "batch");
        Positive(InChannels, "in channels");
        Positive(OutChannels, "out channels");
        Positive(Height, "height");
        Positive(Width, "width");
        Positive(KernelH, "kernel height");
        Positive(KernelW, "kernel width");
        Positive(StrideH, "stride (h)");
        Positive(StrideW, "stride (w)");
        Positive(DilationH, "dilation (h)");
        Positive(DilationW, "dilation (w)");
        Positive(Groups, "groups");
        if (PadH < 0 || PadW < 0) throw new ArgumentException($"Conv2d: padding must be non-negative, got ({PadH}, {PadW})");
        if (InChannels % Groups != 0 || OutChannels % Groups != 0)
            throw new ArgumentException($"Conv2d: in channels ({InChannels}) and out channels ({OutChannels}) must both be divisible by groups ({Groups})");
        if (OutHeight <= 0 || OutWidth <= 0)
            throw new ArgumentException(
                $"Conv2d: a {KernelH}×{KernelW} kernel (dilation {DilationH},{DilationW}) does not fit a {Height}×{Width} image padded by ({PadH},{PadW}); the output would be {OutHeight}×{OutWidth}");
    }
}
