namespace GpuGen.Models.Views;

/// <summary>
/// What a latent view decodes and how it shows it: the model's decoder (a VAE's, a GAN's generator),
/// the image shape and value range, the walk's layout and the classes of the rows.
/// </summary>
public sealed record LatentViewSpec
{
    /// <summary>Images [n, C, H, W] from latents [n, latent] and labels (null: unconditional); called on the sampling thread.</summary>
    public required Func<float[], int[]?, float[]> Decode { get; init; }
    public required string Model { get; init; }
    public required int Latent { get; init; }
    public required int Channels { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }

    /// <summary>Values shown black and white.</summary>
    public float Low { get; init; }
    public float High { get; init; } = 1;

    public LatentLayout Layout { get; init; } = LatentLayout.Grid;

    /// <summary>Grid: images per side.</summary>
    public int Side { get; init; } = 8;

    /// <summary>ClassRows: images per row; Walks: images.</summary>
    public int Columns { get; init; } = 8;

    /// <summary>Classes of a conditional model (ClassRows: one row each); 0: unconditional.</summary>
    public int Classes { get; init; }

    /// <summary>Walks of a conditional model: every image of this class (−1: image i gets class i mod classes).</summary>
    public int ClassIndex { get; init; } = -1;

    public int Dim1 { get; init; }
    public int Dim2 { get; init; } = 1;
    public float Extent { get; init; } = 2.5f;

    /// <summary>Steps (frames) per turn of the circle.</summary>
    public int Steps { get; init; } = 120;

    public LatentWalk Walk(ulong seed) => new(Layout, Latent, Layout == LatentLayout.Walks ? Columns : 1, seed, Side, Columns,
        Layout == LatentLayout.ClassRows ? Classes : 1, Dim1, Dim2, Extent);

    /// <summary>The label of each image of a walk (null: unconditional).</summary>
    public int[]? Labels(LatentWalk walk)
    {
        if (Classes == 0) return null;
        return Layout == LatentLayout.ClassRows
            ? Enumerable.Range(0, walk.Count).Select(i => i / walk.Columns).ToArray()
            : Enumerable.Range(0, walk.Count).Select(i => ClassIndex >= 0 ? ClassIndex : i % Classes).ToArray();
    }

    /// <summary>Phase θ after step k of a turn.</summary>
    public double Theta(int k) => 2 * Math.PI * k / Steps;
}
