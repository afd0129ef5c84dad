namespace GpuGen.Nn;

/// <summary>
/// Shape of a <see cref="UNet"/>. The defaults are exactly the ddpm_unet_step network of
/// bench/README.md (475,393 parameters): channels 32/64/64 over three resolutions, one
/// ResBlock per level, time embedding 128 → 256, GroupNorm with 8 groups, no attention. With
/// Attention, a self-attention block follows the ResBlocks of the lowest resolution.
/// </summary>
public sealed record UNetConfig(
    int ImageChannels = 1,
    int[]? Channels = null,
    int BlocksPerLevel = 1,
    int TimeEmbeddingDim = 128,
    int TimeDim = 256,
    int Groups = 8,
    int Classes = 0,
    bool Attention = false)
{
    /// <summary>Channels per level, finest first.</summary>
    public int[] LevelChannels => Channels ?? [32, 64, 64];

    /// <summary>Whether labels condition the model; label index Classes is the reserved "no label" (for classifier-free guidance).</summary>
    public bool Conditional => Classes > 0;

    public void Validate()
    {
        var ch = LevelChannels;
        if (ImageChannels < 1) throw new ArgumentException($"UNet: image channels must be positive, got {ImageChannels}");
        if (ch.Length < 1) throw new ArgumentException("UNet: needs at least one level");
        foreach (int c in ch)
            if (c < 1 || c % Groups != 0) throw new ArgumentException($"UNet: level channels {c} must be a positive multiple of the {Groups} GroupNorm groups");
        if (BlocksPerLevel < 1) throw new ArgumentException($"UNet: blocks per level must be positive, got {BlocksPerLevel}");
        if (TimeEmbeddingDim < 4 || TimeEmbeddingDim % 2 != 0) throw new ArgumentException($"UNet: time embedding size must be even and ≥ 4, got {TimeEmbeddingDim}");
        if (Classes < 0) throw new ArgumentException($"UNet: classes must be 0 (unconditional) or positive, got {Classes}");
    }
}
