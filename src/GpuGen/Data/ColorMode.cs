namespace GpuGen.Data;

/// <summary>The channels a dataset's images are converted to.</summary>
public enum ColorMode
{
    /// <summary>IDX: grayscale. Folder: RGB if any image has colour channels, else grayscale.</summary>
    Auto,

    /// <summary>One channel; colour becomes luma (77R + 150G + 29B) / 256, stb_image's weights (≈ BT.601).</summary>
    Grayscale,

    /// <summary>Three channels; grayscale is replicated.</summary>
    Rgb,
}
