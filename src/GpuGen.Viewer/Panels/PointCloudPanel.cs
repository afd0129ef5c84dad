using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>
/// A 2-D point cloud (e.g. 20,000 samples flowing from the Gaussian to the data) over a faint
/// picture of the data: a density histogram of data points drawn under the points. The view keeps
/// a 1:1 aspect ratio.
/// </summary>
public sealed class PointCloudPanel : Panel
{
    private const int DensityBins = 128;
    private float[] points = [];
    private float[]? density;
    private bool densityDirty;
    private Texture? densityTexture;
    private float[] scratch = [];

    /// <summary>The square data region shown: [min, max] on both axes.</summary>
    public (float Min, float Max) Bounds { get; set; } = (-4, 4);

    public float PointSize { get; set; } = 2;

    public Color PointColor { get; set; } = Color.LightBlue.WithAlpha(0.55f);

    public int Count => points.Length / 2;

    /// <summary>Replaces the points, (x, y) pairs in data units (copied).</summary>
    public void Update(ReadOnlySpan<float> xy)
    {
        if (xy.Length % 2 != 0) throw new ArgumentException($"points are (x, y) pairs: got {xy.Length} floats");
        if (points.Length != xy.Length) points = new float[xy.Length];
        xy.CopyTo(points);
    }

    /// <summary>Sets the faint data picture from samples of the data distribution ((x, y) pairs).</summary>
    public void SetData(ReadOnlySpan<float> xy)
    {
        var (lo, hi) = Bounds;
        var h = new float[DensityBins * DensityBins];
        for (int i = 0; i + 1 < xy.Length; i += 2)
        {
            int bx = (int)((xy[i] - lo) / (hi - lo) * DensityBins), by = (int)((hi - xy[i + 1]) / (hi - lo) * DensityBins);
            if ((uint)bx < DensityBins && (uint)by < DensityBins) h[by * DensityBins + bx]++;
        }
        float max = h.Max();
        for (int i = 0; i < h.Length; i++) h[i] = max > 0 ? MathF.Sqrt(h[i] / max) : 0;
        density = h;
        densityDirty = true;
    }

    protected override void DrawContent(Renderer r, RectF area)
    {
        var view = area.Fit(1, 1, wholeScale: false);
        r.FillRect(view, Color.Black.WithAlpha(0.35f));
        if (density is not null)
        {
            densityTexture ??= r.CreateTexture(smooth: true);
            if (densityDirty)
            {
                densityTexture.Upload(density, DensityBins, DensityBins, 1);
                densityDirty = false;
            }
            r.Image(densityTexture, view, 0, 1, Color.Orange.WithAlpha(0.45f));
        }
        r.StrokeRect(view, Color.Grid);
        var (lo, hi) = Bounds;
        float s = view.W / (hi - lo);
        if (scratch.Length != points.Length) scratch = new float[points.Length];
        for (int i = 0; i < points.Length; i += 2)
        {
            scratch[i] = view.X + (points[i] - lo) * s;
            scratch[i + 1] = view.Y + (hi - points[i + 1]) * s;
        }
        r.Points(scratch, PointSize, PointColor);
    }

    public override void Dispose()
    {
        densityTexture?.Dispose();
        base.Dispose();
    }
}
