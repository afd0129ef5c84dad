using System.Globalization;
using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Models.Flows;

/// <summary>The pictures of the flow families: sample grids, and for 2-D toys the density heat map beside the samples.</summary>
public static class FlowPictures
{
    /// <summary>n fresh samples at a temperature as a picture (see the overload).</summary>
    public static Image Picture(Flow run, int n, float temperature, ulong seed) => Picture(run, run.Sample(n, temperature, seed), temperature, seed);

    /// <summary>Images: a grid. 2-D toys: the model's density p(x) as a heat map beside the samples over data.</summary>
    public static Image Picture(Flow run, float[] samples, float temperature, ulong seed)
    {
        var c = run.Config;
        string t = temperature.ToString("0.##", CultureInfo.InvariantCulture);
        if (c.IsToy)
            return DensityBeside(run, samples, run.DataSample(samples.Length / 2, seed),
                $"{c.Kind} on {c.Data}, step {run.Step}", $"samples (T = {t}) over data");
        int n = samples.Length / c.Dim;
        return Grid.FromFloats(samples, n, c.Channels, c.Height, c.Width, PixelRange.ZeroToOne, scale: Grid.ScaleFor(c.Height));
    }

    /// <summary>
    /// A toy flow's density p(x) on a grid (a heat map, linear in p, black to yellow) beside its samples
    /// over the data, both over the same square.
    /// </summary>
    public static Image DensityBeside(Flow run, float[] samples, float[] data, string title, string samplesLabel)
    {
        const int size = 256;
        var bounds = ToyPictures.Bounds(run.Config.Data);
        var logp = run.LogDensityGrid(size, bounds.XMin, bounds.XMax);
        var heat = HeatMap(logp, size, size);
        var scatter = Plot.Scatter(
            [
                new ScatterSeries(data, Rgb.LightGrey, Radius: 1.4f, Opacity: 0.5f),
                new ScatterSeries(samples, Rgb.Blue, Radius: 1.4f, Opacity: 0.6f),
            ],
            size, size, null, bounds);
        return Plot.Strip([heat, scatter], ["model density p(x)", samplesLabel], title: title);
    }

    /// <summary>Log-densities (row-major, top row first) as an image, coloured by p / max p through an inferno-like map.</summary>
    public static Image HeatMap(ReadOnlySpan<float> logp, int width, int height)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logp) if (float.IsFinite(v)) max = Math.Max(max, v);
        var image = new Image(width, height, 3);
        for (int i = 0; i < width * height; i++)
        {
            float t = float.IsFinite(logp[i]) && float.IsFinite(max) ? MathF.Exp(logp[i] - max) : 0f;
            var (r, g, b) = Inferno(t);
            image.Pixels[3 * i] = r;
            image.Pixels[3 * i + 1] = g;
            image.Pixels[3 * i + 2] = b;
        }
        return image;
    }

    private static readonly (float R, float G, float B)[] InfernoStops =
        [(0, 0, 4), (40, 11, 84), (101, 21, 110), (159, 42, 99), (212, 72, 66), (245, 125, 21), (250, 193, 39), (252, 255, 164)];

    private static (byte, byte, byte) Inferno(float t)
    {
        t = Math.Clamp(t, 0f, 1f) * (InfernoStops.Length - 1);
        int i = Math.Min((int)t, InfernoStops.Length - 2);
        float f = t - i;
        var (a, b) = (InfernoStops[i], InfernoStops[i + 1]);
        return ((byte)(a.R + f * (b.R - a.R) + 0.5f), (byte)(a.G + f * (b.G - a.G) + 0.5f), (byte)(a.B + f * (b.B - a.B) + 0.5f));
    }
}
