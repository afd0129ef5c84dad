namespace GpuGen.Data;

/// <summary>How <see cref="Dataset.Open"/> reads a dataset.</summary>
public sealed record DatasetOptions
{
    /// <summary>Train or test files, for sources that have a split (fashion-mnist, idx:DIR).</summary>
    public DatasetSplit Split { get; init; } = DatasetSplit.Train;

    /// <summary>
    /// The model's image height; with <see cref="Width"/>, images of another size are resized (area
    /// averaging down, bilinear up; see <see cref="ImageResize"/>). Null keeps the source's size
    /// (for a folder: the first image's, in sorted order).
    /// </summary>
    public int? Height { get; init; }

    /// <summary>The model's image width; see <see cref="Height"/>.</summary>
    public int? Width { get; init; }

    /// <summary>Grayscale, RGB, or whatever the source holds.</summary>
    public ColorMode Color { get; init; } = ColorMode.Auto;

    /// <summary>Folder sources: stop at the first corrupt image, or skip and count them.</summary>
    public CorruptImagePolicy OnCorruptImage { get; init; } = CorruptImagePolicy.Stop;
}
