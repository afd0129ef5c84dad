using GpuGen.IO;

namespace GpuGen.Pictures;

/// <summary>Pictures of 2-D toy data: samples over the data, in a fixed frame so pictures compare.</summary>
public static class ToyPictures
{
    /// <summary>The 2-D toys live in about [−3, 3]²; a fixed frame makes pictures comparable.</summary>
    public static readonly PlotBounds Frame = PlotBounds.Square(3.2f);

    /// <summary>The square a toy's pictures show (the wide 8-gaussians ring needs more room).</summary>
    public static PlotBounds Bounds(string data) => data == "8gaussians-wide" ? PlotBounds.Square(4.2f) : Frame;

    public static Image SamplesOverData(float[] data, float[] samples, string title) =>
        Plot.Scatter(
            [
                new ScatterSeries(data, Rgb.LightGrey, Radius: 1.6f, Opacity: 0.5f, Label: "data"),
                new ScatterSeries(samples, Rgb.Blue, Radius: 1.6f, Opacity: 0.6f, Label: "samples"),
            ],
            512, 512, title, Frame);
}
