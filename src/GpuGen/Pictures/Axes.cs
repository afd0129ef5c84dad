using System.Globalization;

namespace GpuGen.Pictures;

/// <summary>
/// Layout and scales of one plot: the plot area inside the image (margins sized to the tick labels
/// and title), the data→pixel mapping (linear, or log10 for y), "nice" ticks (1, 2, 5 × 10^k), light
/// grid lines behind the data and the frame, tick labels and title in front.
/// </summary>
sealed class Axes
{
    static GlyphAtlas LabelFont => GlyphAtlas.DejaVuSans;
    static GlyphAtlas TitleFont => GlyphAtlas.DejaVuSansTitle;
    const int TickLength = 4;

    Axes(Rect area, PlotBounds bounds, bool logY, List<(double Value, string Label)> xTicks, List<(double Value, string Label)> yTicks)
    {
        Area = area;
        Bounds = bounds;
        LogY = logY;
        XTicks = xTicks;
        YTicks = yTicks;
    }

    /// <summary>The plot area in pixels; data inside the bounds maps inside it.</summary>
    public Rect Area { get; }

    /// <summary>Data bounds (for log y, the untransformed values).</summary>
    public PlotBounds Bounds { get; }

    public bool LogY { get; }
    public List<(double Value, string Label)> XTicks { get; }
    public List<(double Value, string Label)> YTicks { get; }

    double YLo => LogY ? Math.Log10(Bounds.YMin) : Bounds.YMin;
    double YHi => LogY ? Math.Log10(Bounds.YMax) : Bounds.YMax;

    /// <summary>Pixel x coordinate (continuous; pixel column = floor) of data x.</summary>
    public float PixelX(double x) => (float)(Area.X + (x - Bounds.XMin) / (Bounds.XMax - Bounds.XMin) * Area.W);

    /// <summary>Pixel y coordinate of data y (y grows upwards in data, downwards in the image).</summary>
    public float PixelY(double y)
    {
        double t = LogY ? (y > 0 ? Math.Log10(y) : double.NaN) : y;
        return (float)(Area.Bottom - (t - YLo) / (YHi - YLo) * Area.H);
    }

    /// <summary>Lays out a <paramref name="width"/>×<paramref name="height"/> plot of <paramref name="bounds"/>.</summary>
    public static Axes Create(int width, int height, PlotBounds bounds, bool logY, string? title, string? xLabel)
    {
        var yTicks = logY ? LogTicks(bounds.YMin, bounds.YMax) : LinearTicks(bounds.YMin, bounds.YMax, Math.Max(2, height / 70));
        var xTicks = LinearTicks(bounds.XMin, bounds.XMax, Math.Max(2, width / 90));
        int labelHeight = LabelFont.TextHeight;
        int yLabelWidth = yTicks.Count == 0 ? 0 : yTicks.Max(t => LabelFont.Width(t.Label));
        int lastXLabel = xTicks.Count == 0 ? 0 : LabelFont.Width(xTicks[^1].Label);

        int top = title is null ? 14 : TitleFont.TextHeight + 20;
        int left = yLabelWidth + TickLength + 12;
        int bottom = TickLength + 6 + labelHeight + (xLabel is null ? 10 : labelHeight + 16);
        int right = Math.Max(16, lastXLabel / 2 + 8);
        var area = new Rect(left, top, Math.Max(1, width - left - right), Math.Max(1, height - top - bottom));
        return new Axes(area, bounds, logY, xTicks, yTicks);
    }

    /// <summary>Light grid lines at the ticks, drawn before the data.</summary>
    public void DrawGrid(Canvas canvas)
    {
        foreach (var (v, _) in XTicks)
        {
            int x = (int)PixelX(v);
            if (x > Area.X && x < Area.Right - 1) canvas.Fill(x, Area.Y, 1, Area.H, Rgb.FaintGrey);
        }
        foreach (var (v, _) in YTicks)
        {
            int y = (int)PixelY(v);
            if (y > Area.Y && y < Area.Bottom - 1) canvas.Fill(Area.X, y, Area.W, 1, Rgb.FaintGrey);
        }
    }

    /// <summary>Frame, ticks, tick labels, axis label and title, drawn after the data.</summary>
    public void DrawFrame(Canvas canvas, string? title, string? xLabel)
    {
        var ink = Rgb.Ink;
        canvas.Frame(Area.X - 1, Area.Y - 1, Area.W + 2, Area.H + 2, ink);
        int labelHeight = LabelFont.TextHeight;
        foreach (var (v, label) in XTicks)
        {
            int x = Math.Clamp((int)PixelX(v), Area.X, Area.Right - 1);
            canvas.Fill(x, Area.Bottom + 1, 1, TickLength, ink);
            canvas.TextCentered(label, x + 1, Area.Bottom + TickLength + 5, ink);
        }
        foreach (var (v, label) in YTicks)
        {
            int y = Math.Clamp((int)PixelY(v), Area.Y, Area.Bottom - 1);
            canvas.Fill(Area.X - 1 - TickLength, y, TickLength, 1, ink);
            int w = LabelFont.Width(label);
            canvas.Text(label, Area.X - TickLength - 6 - w, y - LabelFont.CapHeight / 2, ink);
        }
        if (xLabel is not null)
            canvas.TextCentered(xLabel, Area.X + Area.W / 2, Area.Bottom + TickLength + labelHeight + 14, ink);
        if (title is not null)
            canvas.TextCentered(title, Area.X + Area.W / 2, (Area.Y - TitleFont.CapHeight) / 2, ink, TitleFont);
    }

    /// <summary>Ticks at multiples of a step of 1, 2 or 5 × 10^k giving about <paramref name="target"/> ticks.</summary>
    internal static List<(double Value, string Label)> LinearTicks(double min, double max, int target)
    {
        var ticks = new List<(double Value, string Label)>();
        double range = max - min;
        if (!(range > 0) || !double.IsFinite(range)) return ticks;
        double raw = range / target;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = magnitude * (raw / magnitude < 1.5 ? 1 : raw / magnitude < 3.5 ? 2 : raw / magnitude < 7.5 ? 5 : 10);
        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 8);
        bool scientific = Math.Max(Math.Abs(min), Math.Abs(max)) >= 1e6;
        for (double k = Math.Ceiling(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
        {
            double v = k * step;
            if (Math.Abs(v) < step * 1e-9) v = 0; // no "-0"
            string label = scientific ? v.ToString("0.##E0", CultureInfo.InvariantCulture) : v.ToString("F" + decimals, CultureInfo.InvariantCulture);
            ticks.Add((v, label));
        }
        return ticks;
    }

    /// <summary>Ticks at powers of ten, with 2× and 5× in between when the range spans few decades.</summary>
    internal static List<(double Value, string Label)> LogTicks(double min, double max)
    {
        var ticks = new List<(double Value, string Label)>();
        double lo = Math.Log10(min), hi = Math.Log10(max);
        double[] mantissas = hi - lo < 2.5 ? [1, 2, 5] : [1];
        for (int e = (int)Math.Floor(lo); e <= (int)Math.Ceiling(hi); e++)
            foreach (double m in mantissas)
            {
                double v = m * Math.Pow(10, e);
                if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9))
                    ticks.Add((v, v.ToString("G3", CultureInfo.InvariantCulture)));
            }
        // Within a single decade there may be fewer than two such ticks: fall back to linear ones.
        return ticks.Count >= 2 ? ticks : LinearTicks(min, max, 4).Where(t => t.Item1 > 0).ToList();
    }
}
