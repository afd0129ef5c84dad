using GpuGen.IO;
using GpuGen.Models.Diffusion;

namespace GpuGen.Cli;

/// <summary>The pictures of image diffusion: sample grids and the reverse chain.</summary>
internal static class ImagePictures
{
    /// <summary>Samples [n, C, H, W] in [−1, 1] tiled; with columns &gt; 0 (the class count) image i sits in column i mod columns.</summary>
    public static Image Grid(ImageDiffusion run, float[] samples, int n, int columns = 0)
    {
        var c = run.Config;
        return IO.Grid.FromFloats(samples, n, c.ImageChannels, c.Height, c.Width, cols: columns > 0 ? Math.Min(columns, n) : 0, scale: c.Height < 48 ? 2 : 1);
    }

    /// <summary>
    /// An observer that keeps the states of the first <paramref name="rows"/> samples at about
    /// <paramref name="snapshots"/> evenly spaced steps (x_T first, x₀ last).
    /// </summary>
    public static (DiffusionSampler.StepObserver Observer, List<float[]> Frames) ChainRecorder(IScheduler scheduler, Tensors.Tensor start, int rows, int snapshots = 10)
    {
        int perImage = checked((int)(start.Length / start.Dim(0)));
        var frames = new List<float[]> { start.ToArray().AsSpan(0, rows * perImage).ToArray() };
        int count = scheduler.Timesteps.Count;
        var keep = new HashSet<int>();
        for (int s = 1; s < snapshots; s++) keep.Add((int)Math.Round((double)s * count / (snapshots - 1)) - 1);
        keep.Add(count - 1);
        DiffusionSampler.StepObserver observer = (index, _, x, _) =>
        {
            if (keep.Contains(index)) frames.Add(x.ToArray().AsSpan(0, rows * perImage).ToArray());
        };
        return (observer, frames);
    }

    /// <summary>Rows = samples, columns = chain snapshots from x_T (left) to x₀ (right).</summary>
    public static Image Chain(ImageDiffusion run, List<float[]> frames, int rows)
    {
        var c = run.Config;
        int perImage = c.ImageChannels * c.Height * c.Width, cols = frames.Count;
        var tiles = new float[rows * cols * perImage];
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < cols; col++)
                frames[col].AsSpan(row * perImage, perImage).CopyTo(tiles.AsSpan((row * cols + col) * perImage, perImage));
        return IO.Grid.FromFloats(tiles, rows * cols, c.ImageChannels, c.Height, c.Width, cols: cols, scale: c.Height < 48 ? 2 : 1);
    }
}
