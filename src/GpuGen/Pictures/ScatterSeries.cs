namespace GpuGen.Pictures;

/// <summary>
/// One set of 2-D points for <see cref="Plot.Scatter"/>: <paramref name="Xy"/> interleaved
/// (x0, y0, x1, y1, …), drawn as anti-aliased discs of <paramref name="Radius"/> pixels blended with
/// <paramref name="Opacity"/> (so dense regions read darker). <paramref name="Label"/>, when given,
/// appears in the legend.
/// </summary>
public sealed record ScatterSeries(float[] Xy, Rgb Color, float Radius = 2f, float Opacity = 0.6f, string? Label = null)
{
    /// <summary>Number of points.</summary>
    public int Count => Xy.Length / 2;
}
