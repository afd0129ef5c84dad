using GpuGen.IO;

namespace GpuGen.Pictures;

/// <summary>
/// A small RGB rasterizer for plots: alpha-blended fills, anti-aliased discs and polylines (coverage
/// from the distance to the shape, one pixel of soft edge), and bitmap text. Pixel (i, j) covers
/// [i, i+1) × [j, j+1), so its centre is (i + 0.5, j + 0.5).
/// </summary>
sealed class Canvas
{
    public Canvas(int width, int height, Rgb background)
    {
        Image = new Image(width, height, 3);
        Fill(0, 0, width, height, background);
    }

    public Image Image { get; }
    public int Width => Image.Width;
    public int Height => Image.Height;

    /// <summary>Blends <paramref name="color"/> over pixel (x, y) with weight <paramref name="alpha"/> ∈ [0, 1].</summary>
    public void Blend(int x, int y, Rgb color, float alpha)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || alpha <= 0) return;
        if (alpha > 1) alpha = 1;
        var p = Image.Pixels;
        int i = (y * Width + x) * 3;
        p[i] = Mix(p[i], color.R, alpha);
        p[i + 1] = Mix(p[i + 1], color.G, alpha);
        p[i + 2] = Mix(p[i + 2], color.B, alpha);
    }

    static byte Mix(byte under, byte over, float a) => (byte)(under + (over - under) * a + 0.5f);

    public void Fill(int x0, int y0, int w, int h, Rgb color, float alpha = 1)
    {
        int x1 = Math.Min(Width, x0 + w), y1 = Math.Min(Height, y0 + h);
        for (int y = Math.Max(0, y0); y < y1; y++)
            for (int x = Math.Max(0, x0); x < x1; x++)
                Blend(x, y, color, alpha);
    }

    /// <summary>One-pixel outline of the rectangle [x0, x0+w) × [y0, y0+h).</summary>
    public void Frame(int x0, int y0, int w, int h, Rgb color)
    {
        Fill(x0, y0, w, 1, color);
        Fill(x0, y0 + h - 1, w, 1, color);
        Fill(x0, y0, 1, h, color);
        Fill(x0 + w - 1, y0, 1, h, color);
    }

    /// <summary>An anti-aliased disc centred at (cx, cy) in pixel coordinates, clipped to <paramref name="clip"/>.</summary>
    public void Disc(float cx, float cy, float radius, Rgb color, float alpha, in Rect clip)
    {
        int x0 = Math.Max(clip.X, (int)MathF.Floor(cx - radius - 1));
        int x1 = Math.Min(clip.Right, (int)MathF.Ceiling(cx + radius + 1));
        int y0 = Math.Max(clip.Y, (int)MathF.Floor(cy - radius - 1));
        int y1 = Math.Min(clip.Bottom, (int)MathF.Ceiling(cy + radius + 1));
        for (int y = y0; y < y1; y++)
        {
            float dy = y + 0.5f - cy;
            for (int x = x0; x < x1; x++)
            {
                float dx = x + 0.5f - cx;
                // Coverage ramps from 1 to 0 over the pixel straddling the edge: a cheap box-filter AA.
                float coverage = Math.Clamp(radius + 0.5f - MathF.Sqrt(dx * dx + dy * dy), 0, 1);
                if (coverage > 0) Blend(x, y, color, coverage * alpha);
            }
        }
    }

    /// <summary>
    /// An anti-aliased polyline of the given width, clipped to <paramref name="clip"/>. Coverage is
    /// gathered first (max over segments) and blended once, so joints are not darkened by double
    /// blending. NaN points break the line.
    /// </summary>
    public void Polyline(ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, float width, Rgb color, float alpha, in Rect clip)
    {
        if (clip.W <= 0 || clip.H <= 0) return;
        var coverage = new float[clip.W * clip.H];
        float half = width / 2;
        for (int i = 1; i < xs.Length; i++)
        {
            float ax = xs[i - 1], ay = ys[i - 1], bx = xs[i], by = ys[i];
            if (!float.IsFinite(ax) || !float.IsFinite(ay) || !float.IsFinite(bx) || !float.IsFinite(by)) continue;
            int x0 = Math.Max(clip.X, (int)MathF.Floor(MathF.Min(ax, bx) - half - 1));
            int x1 = Math.Min(clip.Right, (int)MathF.Ceiling(MathF.Max(ax, bx) + half + 1));
            int y0 = Math.Max(clip.Y, (int)MathF.Floor(MathF.Min(ay, by) - half - 1));
            int y1 = Math.Min(clip.Bottom, (int)MathF.Ceiling(MathF.Max(ay, by) + half + 1));
            float ex = bx - ax, ey = by - ay, len2 = ex * ex + ey * ey;
            for (int y = y0; y < y1; y++)
            {
                for (int x = x0; x < x1; x++)
                {
                    float px = x + 0.5f - ax, py = y + 0.5f - ay;
                    float t = len2 > 0 ? Math.Clamp((px * ex + py * ey) / len2, 0, 1) : 0;
                    float dx = px - t * ex, dy = py - t * ey;
                    float c = Math.Clamp(half + 0.5f - MathF.Sqrt(dx * dx + dy * dy), 0, 1);
                    ref float slot = ref coverage[(y - clip.Y) * clip.W + (x - clip.X)];
                    if (c > slot) slot = c;
                }
            }
        }
        for (int y = 0; y < clip.H; y++)
            for (int x = 0; x < clip.W; x++)
            {
                float c = coverage[y * clip.W + x];
                if (c > 0) Blend(clip.X + x, clip.Y + y, color, c * alpha);
            }
    }

    /// <summary>
    /// Draws <paramref name="text"/> from (x, y), the top of its capitals, in <paramref name="font"/> (by
    /// default <see cref="GlyphAtlas.DejaVuSans"/>, the labels' 13 px): each glyph's baked coverage
    /// blended over the picture, on whole pixels, so the hinted glyphs stay as sharp as they were baked.
    /// </summary>
    public void Text(string text, int x, int y, Rgb color, GlyphAtlas? font = null)
    {
        font ??= GlyphAtlas.DejaVuSans;
        var atlas = font.Coverage;
        int baseline = y + font.CapHeight;
        float pen = x;
        foreach (var rune in text.EnumerateRunes())
        {
            var g = font.Find(rune.Value);
            int gx = (int)MathF.Round(pen) + g.XOff, gy = baseline + g.YOff;
            for (int row = 0; row < g.H; row++)
                for (int col = 0; col < g.W; col++)
                {
                    byte c = atlas.Pixels[(g.Y + row) * atlas.Width + g.X + col];
                    if (c > 0) Blend(gx + col, gy + row, color, c / 255f);
                }
            pen += g.Advance;
        }
    }

    /// <summary>Text centred horizontally on <paramref name="cx"/>.</summary>
    public void TextCentered(string text, int cx, int y, Rgb color, GlyphAtlas? font = null) =>
        Text(text, cx - (font ?? GlyphAtlas.DejaVuSans).Width(text) / 2, y, color, font);

    /// <summary>Copies <paramref name="source"/> (converted to RGB) with its top-left at (x, y), upscaled by nearest neighbour.</summary>
    public void Draw(Image source, int x, int y, int scale = 1)
    {
        var rgb = source.ToRgb();
        var src = rgb.Pixels;
        var dst = Image.Pixels;
        for (int sy = 0; sy < rgb.Height * scale; sy++)
        {
            int ty = y + sy;
            if ((uint)ty >= (uint)Height) continue;
            for (int sx = 0; sx < rgb.Width * scale; sx++)
            {
                int tx = x + sx;
                if ((uint)tx >= (uint)Width) continue;
                int s = ((sy / scale) * rgb.Width + sx / scale) * 3, d = (ty * Width + tx) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
    }
}

/// <summary>An integer pixel rectangle [X, X+W) × [Y, Y+H).</summary>
readonly record struct Rect(int X, int Y, int W, int H)
{
    public int Right => X + W;
    public int Bottom => Y + H;
}
