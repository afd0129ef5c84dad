using System.Globalization;
using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>
/// Line plots over a shared x axis (the ᾱ curve of a schedule with the sampler's position marked,
/// a loss curve raw and smoothed): each series is y[i] at x = i unless xs are given; optional
/// log-scale y; a vertical marker with a dot on the first series.
/// </summary>
public sealed class CurvePanel : Panel
{
    private readonly List<(float[]? Xs, float[] Ys, Color Color, float Width)> series = new();

    public bool LogY { get; set; }

    /// <summary>An x position to mark (NaN: none).</summary>
    public float Marker { get; set; } = float.NaN;

    public string MarkerLabel { get; set; } = "";

    /// <summary>Fixed y range (NaN: from the data).</summary>
    public (float Min, float Max) YRange { get; set; } = (float.NaN, float.NaN);

    public void Clear() => series.Clear();

    /// <summary>Adds a series (the arrays are kept, not copied: hand over fresh ones).</summary>
    public void Add(float[] ys, Color color, float width = 1.5f, float[]? xs = null) => series.Add((xs, ys, color, width));

    protected override void DrawContent(Renderer r, RectF area)
    {
        if (series.Count == 0 || series.All(s => s.Ys.Length == 0)) return;
        float xMin = float.PositiveInfinity, xMax = float.NegativeInfinity, yMin = float.PositiveInfinity, yMax = float.NegativeInfinity;
        foreach (var (xs, ys, _, _) in series)
            for (int i = 0; i < ys.Length; i++)
            {
                float x = xs?[i] ?? i, y = Y(ys[i]);
                if (!float.IsFinite(y)) continue;
                xMin = Math.Min(xMin, x);
                xMax = Math.Max(xMax, x);
                yMin = Math.Min(yMin, y);
                yMax = Math.Max(yMax, y);
            }
        if (!float.IsNaN(YRange.Min)) (yMin, yMax) = (Y(YRange.Min), Y(YRange.Max));
        if (!(xMax > xMin)) xMax = xMin + 1;
        if (!(yMax > yMin)) (yMin, yMax) = (yMin - 0.5f, yMax + 0.5f);

        float lh = r.Font.LineHeight;
        string top = Label(yMax), bottom = Label(yMin);
        float axisW = Math.Max(r.Font.Measure(top), r.Font.Measure(bottom)) + 6;
        var plot = new RectF(area.X + axisW, area.Y + 4, Math.Max(1, area.W - axisW - 4), Math.Max(1, area.H - lh - 8));
        r.StrokeRect(plot, Color.Grid);
        r.Text(top, area.X, plot.Y - 2, Color.DimText);
        r.Text(bottom, area.X, plot.Bottom - lh + 2, Color.DimText);
        r.Text(((int)xMin).ToString(CultureInfo.InvariantCulture), plot.X, plot.Bottom + 2, Color.DimText);
        string xr = ((int)Math.Round(xMax)).ToString(CultureInfo.InvariantCulture);
        r.Text(xr, plot.Right - r.Font.Measure(xr), plot.Bottom + 2, Color.DimText);

        float sx = plot.W / (xMax - xMin), sy = plot.H / (yMax - yMin);
        foreach (var (xs, ys, color, width) in series)
        {
            var px = new float[ys.Length];
            var py = new float[ys.Length];
            for (int i = 0; i < ys.Length; i++)
            {
                float y = Y(ys[i]);
                px[i] = plot.X + ((xs?[i] ?? i) - xMin) * sx;
                py[i] = float.IsFinite(y) ? plot.Bottom - (Math.Clamp(y, yMin, yMax) - yMin) * sy : float.NaN;
            }
            if (ys.Length > 2 * plot.W)
            {
                // Denser than the pixels: a bar a column spanning what the line covers there.
                float h = width / 2;
                foreach (var (column, lo, hi) in PolylineSimplifier.ColumnSpans(px, py))
                    r.FillRect(new RectF(column, lo - h, 1, hi - lo + width), color);
                continue;
            }
            var (sxs, sys) = PolylineSimplifier.Simplify(px, py, 0.3f);
            r.Polyline(sxs, sys, width, color);
        }
        if (float.IsFinite(Marker))
        {
            float mx = plot.X + (Math.Clamp(Marker, xMin, xMax) - xMin) * sx;
            r.FillRect(new RectF(MathF.Round(mx) - 1, plot.Y, 2, plot.H), Color.Orange.WithAlpha(0.8f));
            var (xs0, ys0, _, _) = series[0];
            int idx = xs0 is null ? (int)Math.Clamp(MathF.Round(Marker), 0, ys0.Length - 1) : Nearest(xs0, Marker);
            float my = Y(ys0[idx]);
            if (float.IsFinite(my))
                r.Points([mx, plot.Bottom - (Math.Clamp(my, yMin, yMax) - yMin) * sy], 9, Color.Orange);
            if (MarkerLabel.Length > 0)
            {
                float w = r.Font.Measure(MarkerLabel);
                float lx = mx + 6 + w > plot.Right ? mx - 6 - w : mx + 6;
                r.Text(MarkerLabel, lx, plot.Y + 4, Color.Orange);
            }
        }
    }

    private float Y(float y) => LogY ? (y > 0 ? MathF.Log10(y) : float.NaN) : y;

    private string Label(float y) => (LogY ? MathF.Pow(10, y) : y).ToString("G3", CultureInfo.InvariantCulture);

    private static int Nearest(float[] xs, float x)
    {
        int best = 0;
        for (int i = 1; i < xs.Length; i++)
            if (Math.Abs(xs[i] - x) < Math.Abs(xs[best] - x)) best = i;
        return best;
    }
}
