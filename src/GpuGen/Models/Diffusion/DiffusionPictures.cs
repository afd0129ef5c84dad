using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Models.Diffusion;

/// <summary>The pictures of diffusion: sample grids, and the reverse chain of a 2-D toy or of images.</summary>
public static class DiffusionPictures
{
    /// <summary>Timesteps whose states the chain strip shows (after the step at that t).</summary>
    public static readonly int[] ChainTimesteps = [999, 600, 400, 250, 150, 80, 30, 0];

    /// <summary>An observer that keeps the states at <see cref="ChainTimesteps"/> (or the last one of a short DDIM chain).</summary>
    public static (DiffusionSampler.StepObserver Observer, List<(int T, float[] X)> Frames) ChainRecorder(IScheduler scheduler)
    {
        var frames = new List<(int, float[])>();
        var wanted = new HashSet<int>();
        // For a chain that visits only some timesteps, keep the visited one closest to each wanted t.
        foreach (int t in ChainTimesteps)
            wanted.Add(scheduler.Timesteps.MinBy(s => Math.Abs(s - t)));
        DiffusionSampler.StepObserver observer = (_, t, x, _) =>
        {
            if (wanted.Contains(t)) frames.Add((t, x.ToArray()));
        };
        return (observer, frames);
    }

    public static Image Chain(IReadOnlyList<(int T, float[] X)> frames, float[] data)
    {
        var images = frames.Select(f => Plot.Scatter(
            [
                new ScatterSeries(data, Rgb.LightGrey, Radius: 1.2f, Opacity: 0.35f),
                new ScatterSeries(f.X, Rgb.Blue, Radius: 1.2f, Opacity: 0.55f),
            ],
            220, 220, null, ToyPictures.Frame)).ToList();
        var labels = frames.Select(f => f.T == 0 ? "x0" : $"t={f.T}").ToList();
        return Plot.Strip(images, labels, title: "reverse diffusion chain: noise (left) to samples (right)");
    }

    /// <summary>Samples [n, C, H, W] in [−1, 1] tiled; with columns &gt; 0 (the class count) image i sits in column i mod columns.</summary>
    public static Image Grid(ImageDiffusion run, float[] samples, int n, int columns = 0)
    {
        var c = run.Config;
        return Pictures.Grid.FromFloats(samples, n, c.ImageChannels, c.Height, c.Width, cols: columns > 0 ? Math.Min(columns, n) : 0, scale: Pictures.Grid.ScaleFor(c.Height));
    }

    /// <summary>
    /// An observer that keeps the states of the first <paramref name="rows"/> samples at about
    /// <paramref name="snapshots"/> evenly spaced steps (x_T first, x₀ last).
    /// </summary>
    public static (DiffusionSampler.StepObserver Observer, List<float[]> Frames) ImageChainRecorder(IScheduler scheduler, Tensors.Tensor start, int rows, int snapshots = 10)
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
    public static Image ImageChain(ImageDiffusion run, List<float[]> frames, int rows)
    {
        var c = run.Config;
        int perImage = c.ImageChannels * c.Height * c.Width, cols = frames.Count;
        var tiles = new float[rows * cols * perImage];
        for (int row = 0; row < rows; row++)
            for (int col = 0; col < cols; col++)
                frames[col].AsSpan(row * perImage, perImage).CopyTo(tiles.AsSpan((row * cols + col) * perImage, perImage));
        return Pictures.Grid.FromFloats(tiles, rows * cols, c.ImageChannels, c.Height, c.Width, cols: cols, scale: Pictures.Grid.ScaleFor(c.Height));
    }
}
