using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Models.PixelCnn;

/// <summary>The pictures of PixelCNN: sample grids (classes as columns) and the raster fill, pixel by pixel.</summary>
public static class PixelCnnPictures
{
    /// <summary>PixelCNN samples (bytes [n, H, W]) as a grid; a conditional model's classes as columns.</summary>
    public static Image Samples(PixelCnn run, byte[] images, int n)
    {
        var c = run.Config;
        return Grid.FromFloats(images.Select(v => v / 255f).ToArray(), n, 1, c.Height, c.Width, PixelRange.ZeroToOne,
            cols: c.Classes > 0 ? Math.Min(c.Classes, n) : 0, scale: Grid.ScaleFor(c.Height));
    }

    /// <summary>
    /// A raster-fill recorder for the sampler's per-pixel hook: keeps the first <paramref name="rows"/>
    /// images after about <paramref name="snapshots"/> evenly spaced pixels (the last one complete).
    /// </summary>
    public static (PixelCnnSampler.PixelObserver Observer, List<byte[]> Frames) FillRecorder(PixelCnn run, int rows, int snapshots = 8)
    {
        int p = run.PixelsPerImage;
        var frames = new List<byte[]>();
        var keep = Enumerable.Range(1, snapshots).Select(s => (int)Math.Round((double)s * p / snapshots) - 1).ToHashSet();
        PixelCnnSampler.PixelObserver observer = (pixel, images) =>
        {
            if (keep.Contains(pixel)) frames.Add(images[..(rows * p)].ToArray());
        };
        return (observer, frames);
    }

    /// <summary>Rows = samples, columns = the fill snapshots (left: few pixels drawn, right: complete).</summary>
    public static Image Fill(PixelCnn run, List<byte[]> frames, int rows)
    {
        var c = run.Config;
        int p = run.PixelsPerImage, cols = frames.Count;
        var tiles = new float[rows * cols * p];
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < cols; col++)
                for (int k = 0; k < p; k++) tiles[(row * cols + col) * p + k] = frames[col][row * p + k] / 255f;
        return Grid.FromFloats(tiles, rows * cols, 1, c.Height, c.Width, PixelRange.ZeroToOne, cols: cols, scale: Grid.ScaleFor(c.Height));
    }
}
