namespace GpuGen.Viewer.PixelCnn;

/// <summary>
/// One state of a raster-order PixelCNN run, copied by the sampling thread: the images with
/// <see cref="ChainFrame.StepsDone"/> of <see cref="ChainFrame.StepCount"/> = H·W pixels drawn (the rest still 0). Immutable once posted.
/// </summary>
public sealed record PixelCnnFrame : ChainFrame
{
    /// <summary>The images [N, H, W] as bytes 0…255.</summary>
    public required byte[] Images { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }

    /// <summary>The class of each image (null: unconditional).</summary>
    public required IReadOnlyList<int>? Labels { get; init; }

    /// <summary>The images as floats v/255 [N, 1, H, W].</summary>
    public float[] Floats()
    {
        var f = new float[Images.Length];
        for (int i = 0; i < f.Length; i++) f[i] = Images[i] / 255f;
        return f;
    }
}
