namespace GpuGen.Nn;

/// <summary>PixelCNN mask types (van den Oord et al. 2016, §3.4).</summary>
public enum ConvMaskKind
{
    /// <summary>First layer: a pixel sees only pixels strictly before it in raster order (not itself).</summary>
    A,
    /// <summary>Later layers: a pixel also sees its own position (the features computed there so far).</summary>
    B,
}
