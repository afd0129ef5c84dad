using GpuGen.IO;

namespace GpuGen.Pictures;

/// <summary>
/// Pictures for training runs and the README, drawn by our own rasterizer into RGB
/// <see cref="Image"/>s: 2-D scatter plots (data vs model samples), loss curves, and labelled strips
/// (the reverse diffusion chain x_T … x_0). Sample grids are <see cref="Grid"/>.
/// </summary>
public static class Plot
{
    /// <summary>
    /// A scatter plot of one or more point sets, drawn in order (put the data first, in light grey,
    /// and model samples after it in a strong colour). Without <paramref name="bounds"/>, they are
    /// fitted to all finite points with a 5% margin; <paramref name="equalAspect"/> then widens one
    /// axis so that a circle in the data stays a circle in the picture.
    /// </summary>
    public static Image Scatter(IReadOnlyList<ScatterSeries> series, int width = 512, int height = 512,
        string? title = null, PlotBounds? bounds = null, bool equalAspect = true)
    {
        ArgumentNullException.ThrowIfNull(series);
        CheckSize(width, height);
        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(series));
            if (s.Xy is null || s.Xy.Length % 2 != 0)
                throw new ArgumentException("a scatter series holds interleaved (x, y) pairs: its length must be even", nameof(series));
        }

        var axes = ScatterAxes(series, width, height, title, bounds, equalAspect);
        var canvas = new Canvas(width, height, Rgb.White);
        axes.DrawGrid(canvas);
        foreach (var s in series)
        {
            float opacity = Math.Clamp(s.Opacity, 0, 1);
            for (int i = 0; i + 1 < s.Xy.Length; i += 2)
            {
                float x = s.Xy[i], y = s.Xy[i + 1];
                if (float.IsFinite(x) && float.IsFinite(y))
                    canvas.Disc(axes.PixelX(x), axes.PixelY(y), s.Radius, s.Color, opacity, axes.Area);
            }
        }
        DrawLegend(canvas, axes.Area, series.Where(s => s.Label is not null).Select(s => (s.Label!, s.Color)).ToList());
        axes.DrawFrame(canvas, title, null);
        return canvas.Image;
    }

    /// <summary>
    /// A training curve: <paramref name="values"/> against <paramref name="steps"/> (default 0, 1, 2 …).
    /// With <paramref name="smoothing"/> &gt; 1 the raw values are drawn faintly and a trailing moving
    /// average over that many points strongly on top. <paramref name="logY"/> uses a log10 y axis
    /// (non-positive values are skipped). Non-finite values break the line.
    /// </summary>
    public static Image LossCurve(ReadOnlySpan<float> values, int width = 640, int height = 360, string? title = null,
        bool logY = false, int smoothing = 0, ReadOnlySpan<float> steps = default, string xLabel = "step")
    {
        CheckSize(width, height);
        if (!steps.IsEmpty && steps.Length != values.Length)
            throw new ArgumentException($"{steps.Length} steps for {values.Length} values", nameof(steps));
        var xs = new float[values.Length];
        for (int i = 0; i < xs.Length; i++) xs[i] = steps.IsEmpty ? i : steps[i];
        var ys = values.ToArray();
        if (logY)
            for (int i = 0; i < ys.Length; i++)
                if (!(ys[i] > 0)) ys[i] = float.NaN;

        float[]? smooth = smoothing > 1 ? MovingAverage(ys, smoothing) : null;
        var axes = Axes.Create(width, height, CurveBounds(xs, ys, logY), logY, title, xLabel);
        var canvas = new Canvas(width, height, Rgb.White);
        axes.DrawGrid(canvas);
        var px = new float[xs.Length];
        var py = new float[xs.Length];
        for (int i = 0; i < xs.Length; i++) px[i] = axes.PixelX(xs[i]);
        if (smooth is not null)
        {
            for (int i = 0; i < ys.Length; i++) py[i] = axes.PixelY(ys[i]);
            canvas.Polyline(px, py, 1f, Rgb.Blue, 0.3f, axes.Area);
            for (int i = 0; i < ys.Length; i++) py[i] = axes.PixelY(smooth[i]);
            canvas.Polyline(px, py, 2f, Rgb.Blue, 1f, axes.Area);
        }
        else
        {
            for (int i = 0; i < ys.Length; i++) py[i] = axes.PixelY(ys[i]);
            canvas.Polyline(px, py, 1.75f, Rgb.Blue, 1f, axes.Area);
        }
        axes.DrawFrame(canvas, title, xLabel);
        return canvas.Image;
    }

    /// <summary>
    /// Images side by side on white, each upscaled by <paramref name="scale"/> (nearest neighbour) in a
    /// thin frame, with its label centred underneath (e.g. "t=1000" … "t=0") and an optional title.
    /// Images may differ in size; they are top-aligned.
    /// </summary>
    public static Image Strip(IReadOnlyList<Image> images, IReadOnlyList<string>? labels = null, int scale = 1,
        int padding = 8, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("a strip needs at least one image", nameof(images));
        if (labels is not null && labels.Count != images.Count)
            throw new ArgumentException($"{labels.Count} labels for {images.Count} images", nameof(labels));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);

        var labelFont = GlyphAtlas.DejaVuSans;
        var titleFont = GlyphAtlas.DejaVuSansTitle;
        int lineHeight = labelFont.TextHeight;
        int titleHeight = title is null ? 0 : titleFont.TextHeight + padding;
        int labelsHeight = labels is null ? 0 : lineHeight + 6;
        var cellWidths = new int[images.Count];
        int maxHeight = 0;
        for (int i = 0; i < images.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(images[i], nameof(images));
            int labelWidth = labels is null ? 0 : labelFont.Width(labels[i]);
            cellWidths[i] = Math.Max(images[i].Width * scale + 2, labelWidth);
            maxHeight = Math.Max(maxHeight, images[i].Height * scale + 2);
        }
        int width = Math.Max(cellWidths.Sum() + padding * (images.Count + 1), title is null ? 1 : titleFont.Width(title) + 2 * padding);
        int height = padding + titleHeight + maxHeight + labelsHeight + padding;

        var canvas = new Canvas(width, height, Rgb.White);
        if (title is not null) canvas.TextCentered(title, width / 2, padding, Rgb.Ink, titleFont);
        int x = padding, y = padding + titleHeight;
        for (int i = 0; i < images.Count; i++)
        {
            int w = images[i].Width * scale, h = images[i].Height * scale;
            int ix = x + (cellWidths[i] - w - 2) / 2;
            canvas.Frame(ix, y, w + 2, h + 2, Rgb.LightGrey);
            canvas.Draw(images[i], ix + 1, y + 1, scale);
            if (labels is not null)
                canvas.TextCentered(labels[i], x + cellWidths[i] / 2, y + maxHeight + 6, Rgb.Ink);
            x += cellWidths[i] + padding;
        }
        return canvas.Image;
    }

    /// <summary>The axes a scatter plot uses (exposed to tests to check where points land).</summary>
    internal static Axes ScatterAxes(IReadOnlyList<ScatterSeries> series, int width, int height, string? title,
        PlotBounds? bounds, bool equalAspect)
    {
        var b = bounds ?? FitBounds(series);
        var axes = Axes.Create(width, height, b, false, title, null);
        if (bounds is not null || !equalAspect) return axes;
        // The plot area depends on the tick labels, which depend on the bounds: two passes settle it.
        for (int pass = 0; pass < 2; pass++)
        {
            b = EqualAspect(FitBounds(series), axes.Area);
            axes = Axes.Create(width, height, b, false, title, null);
        }
        return axes;
    }

    static PlotBounds FitBounds(IReadOnlyList<ScatterSeries> series)
    {
        float xMin = float.PositiveInfinity, xMax = float.NegativeInfinity, yMin = float.PositiveInfinity, yMax = float.NegativeInfinity;
        foreach (var s in series)
            for (int i = 0; i + 1 < s.Xy.Length; i += 2)
            {
                float x = s.Xy[i], y = s.Xy[i + 1];
                if (!float.IsFinite(x) || !float.IsFinite(y)) continue;
                xMin = MathF.Min(xMin, x); xMax = MathF.Max(xMax, x);
                yMin = MathF.Min(yMin, y); yMax = MathF.Max(yMax, y);
            }
        if (xMin > xMax) return PlotBounds.Square(1);
        var (x0, x1) = Pad(xMin, xMax);
        var (y0, y1) = Pad(yMin, yMax);
        return new PlotBounds(x0, x1, y0, y1);
    }

    static (float, float) Pad(float lo, float hi)
    {
        float range = hi - lo;
        if (range <= 0) return (lo - 1, hi + 1);
        return (lo - 0.05f * range, hi + 0.05f * range);
    }

    static PlotBounds EqualAspect(PlotBounds b, Rect area)
    {
        // Data units per pixel must match on both axes; widen whichever axis has fewer.
        double ux = (b.XMax - b.XMin) / area.W, uy = (b.YMax - b.YMin) / area.H;
        if (ux > uy)
        {
            float half = (float)(ux * area.H / 2), c = (b.YMin + b.YMax) / 2;
            return b with { YMin = c - half, YMax = c + half };
        }
        else
        {
            float half = (float)(uy * area.W / 2), c = (b.XMin + b.XMax) / 2;
            return b with { XMin = c - half, XMax = c + half };
        }
    }

    static PlotBounds CurveBounds(float[] xs, float[] ys, bool logY)
    {
        float xMin = xs.Length > 0 ? xs.Min() : 0, xMax = xs.Length > 0 ? xs.Max() : 1;
        if (!(xMax > xMin)) xMax = xMin + 1;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (float y in ys)
            if (float.IsFinite(y)) { yMin = Math.Min(yMin, y); yMax = Math.Max(yMax, y); }
        if (yMin > yMax) (yMin, yMax) = logY ? (0.1, 10) : (0, 1);
        if (logY)
        {
            double lo = Math.Log10(yMin), hi = Math.Log10(yMax), pad = Math.Max(0.05 * (hi - lo), 0.05);
            return new PlotBounds(xMin, xMax, (float)Math.Pow(10, lo - pad), (float)Math.Pow(10, hi + pad));
        }
        var (y0, y1) = Pad((float)yMin, (float)yMax);
        return new PlotBounds(xMin, xMax, y0, y1);
    }

    /// <summary>Trailing moving average over finite values (NaN where the window holds none).</summary>
    static float[] MovingAverage(float[] ys, int window)
    {
        var result = new float[ys.Length];
        double sum = 0;
        int n = 0;
        for (int i = 0; i < ys.Length; i++)
        {
            if (float.IsFinite(ys[i])) { sum += ys[i]; n++; }
            if (i >= window && float.IsFinite(ys[i - window])) { sum -= ys[i - window]; n--; }
            result[i] = n > 0 ? (float)(sum / n) : float.NaN;
        }
        return result;
    }

    static void DrawLegend(Canvas canvas, Rect area, List<(string Label, Rgb Color)> entries)
    {
        if (entries.Count == 0) return;
        var font = GlyphAtlas.DejaVuSans;
        int lineHeight = font.TextHeight + 6;
        int w = entries.Max(e => font.Width(e.Label)) + 28, h = entries.Count * lineHeight + 8;
        int x = area.X + 8, y = area.Y + 8;
        canvas.Fill(x, y, w, h, Rgb.White, 0.85f);
        canvas.Frame(x, y, w, h, Rgb.FaintGrey);
        for (int i = 0; i < entries.Count; i++)
        {
            int cy = y + 4 + i * lineHeight + lineHeight / 2;
            canvas.Disc(x + 10, cy, 3.5f, entries[i].Color, 1f, area);
            canvas.Text(entries[i].Label, x + 20, cy - font.CapHeight / 2, Rgb.Ink);
        }
    }

    static void CheckSize(int width, int height)
    {
        if (width < 64 || height < 64)
            throw new ArgumentOutOfRangeException(nameof(width), $"a plot needs at least 64x64 pixels, got {width}x{height}");
    }
}
