using GpuGen.IO;
using GpuGen.Models.Diffusion;

namespace GpuGen.Cli;

/// <summary>The pictures the 2-D commands write: samples over data, the reverse chain, the loss curve.</summary>
internal static class Pictures
{
    /// <summary>The 2-D toys live in about [−3, 3]²; a fixed frame makes pictures comparable.</summary>
    public static readonly PlotBounds ToyBounds = PlotBounds.Square(3.2f);

    /// <summary>Timesteps whose states the chain strip shows (after the step at that t).</summary>
    public static readonly int[] ChainTimesteps = [999, 600, 400, 250, 150, 80, 30, 0];

    public static Image SamplesOverData(float[] data, float[] samples, string title) =>
        Plot.Scatter(
            [
                new ScatterSeries(data, Rgb.LightGrey, Radius: 1.6f, Opacity: 0.5f, Label: "data"),
                new ScatterSeries(samples, Rgb.Blue, Radius: 1.6f, Opacity: 0.6f, Label: "samples"),
            ],
            512, 512, title, ToyBounds);

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
            220, 220, null, ToyBounds)).ToList();
        var labels = frames.Select(f => f.T == 0 ? "x0" : $"t={f.T}").ToList();
        return Plot.Strip(images, labels, title: "reverse diffusion chain: noise (left) to samples (right)");
    }
}
