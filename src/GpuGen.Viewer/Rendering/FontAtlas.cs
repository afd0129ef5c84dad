using GpuGen.IO;
using GpuGen.Viewer.Native;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// Glyphs baked once into one coverage texture: DejaVu Sans (fonts-dejavu-core) rasterised by
/// stb_truetype from libstb0 — ASCII plus the Greek letters, subscripts and signs the panels use
/// (σ, ᾱ, ε, →, −, ×) — or, where the font or stb is missing, GpuGen's 5×9 bitmap font.
/// </summary>
public sealed unsafe class FontAtlas : IDisposable
{
    /// <summary>Where Debian's fonts-dejavu-core puts its sans face.</summary>
    public const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private const int AtlasWidth = 512;

    private readonly record struct Glyph(float X0, float Y0, float X1, float Y1, float XOff, float YOff, float Advance);

    // Code point runs baked by stb_truetype (each run is one call of stbtt_BakeFontBitmap).
    private static readonly (int First, int Count)[] Runs =
    [
        (32, 95), (0xD7, 1), (0x391, 57), (0x1FB1, 1), (0x2080, 10), (0x2190, 4), (0x2212, 1), (0x2026, 1), (0x302, 1), (0x304, 1),
    ];

    private readonly Dictionary<int, Glyph> glyphs = new();
    private readonly Texture texture;
    private readonly int atlasHeight;

    private FontAtlas(Texture texture, int atlasHeight, float lineHeight, float ascent, string source)
    {
        this.texture = texture;
        this.atlasHeight = atlasHeight;
        LineHeight = lineHeight;
        Ascent = ascent;
        Source = source;
    }

    /// <summary>Height of one line of text at scale 1, in pixels.</summary>
    public float LineHeight { get; }

    /// <summary>Distance from the top of a line to the baseline at scale 1.</summary>
    public float Ascent { get; }

    /// <summary>What the glyphs came from ("DejaVu Sans 15 px (stb_truetype)" or the bitmap fallback).</summary>
    public string Source { get; }

    internal static FontAtlas Create(Renderer renderer, float pixelHeight = 15)
    {
        if (File.Exists(DejaVuSans) && StbTrueType.IsInstalled)
        {
            try
            {
                return FromTrueType(renderer, File.ReadAllBytes(DejaVuSans), pixelHeight);
            }
            catch (EntryPointNotFoundException)
            {
                // A libstb built without stb_truetype: the bitmap font still reads.
            }
        }
        return FromBitmapFont(renderer);
    }

    private static FontAtlas FromTrueType(Renderer renderer, byte[] ttf, float pixelHeight)
    {
        var bitmaps = new List<(byte[] Pixels, int Rows, StbTrueType.BakedChar[] Chars, int First)>();
        foreach (var (first, count) in Runs)
        {
            var chars = new StbTrueType.BakedChar[count];
            int rows = (int)pixelHeight * 2 * (1 + count * (int)pixelHeight / AtlasWidth);
            var pixels = new byte[AtlasWidth * rows];
            int used;
            fixed (byte* data = ttf)
            fixed (byte* p = pixels)
            fixed (StbTrueType.BakedChar* c = chars)
                used = StbTrueType.BakeFontBitmap(data, 0, pixelHeight, p, AtlasWidth, rows, first, count, c);
            if (used <= 0) throw new InvalidOperationException($"font baking: code points {first:X}+{count} did not fit in {AtlasWidth}x{rows}");
            bitmaps.Add((pixels, used, chars, first));
        }
        int height = bitmaps.Sum(b => b.Rows);
        var atlas = new byte[AtlasWidth * height];
        var found = new Dictionary<int, Glyph>();
        int y = 0;
        float ascent = pixelHeight * 0.75f;
        foreach (var (pixels, rows, chars, first) in bitmaps)
        {
            pixels.AsSpan(0, AtlasWidth * rows).CopyTo(atlas.AsSpan(y * AtlasWidth));
            for (int i = 0; i < chars.Length; i++)
            {
                var b = chars[i];
                found[first + i] = new Glyph(b.X0, b.Y0 + y, b.X1, b.Y1 + y, b.XOff, b.YOff, b.XAdvance);
                if (first + i == 'H') ascent = -b.YOff;
            }
            y += rows;
        }
        var tex = renderer.CreateTexture();
        tex.Upload(atlas, AtlasWidth, height, 1);
        float lineHeight = MathF.Ceiling(pixelHeight * 1.25f);
        // Centre capitals in the line: the baseline sits a third of the spare height below them.
        var font = new FontAtlas(tex, height, lineHeight, MathF.Ceiling(ascent + (lineHeight - ascent) / 3), $"DejaVu Sans {pixelHeight:0} px (stb_truetype)");
        foreach (var (k, v) in found) font.glyphs[k] = v;
        return font;
    }

    private static FontAtlas FromBitmapFont(Renderer renderer)
    {
        const int cellW = BitmapFont.GlyphWidth + 1, cellH = BitmapFont.GlyphHeight + 1, perRow = 32;
        int height = cellH * 3;
        var atlas = new byte[AtlasWidth * height];
        var font = new FontAtlas(renderer.CreateTexture(), height, BitmapFont.GlyphHeight + 3, 8, "built-in 5x9 bitmap font");
        for (int c = 32; c < 127; c++)
        {
            int cx = (c - 32) % perRow * cellW, cy = (c - 32) / perRow * cellH;
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                    if (BitmapFont.IsSet((char)c, col, row)) atlas[(cy + row) * AtlasWidth + cx + col] = 255;
            font.glyphs[c] = new Glyph(cx, cy, cx + BitmapFont.GlyphWidth, cy + BitmapFont.GlyphHeight, 0, -7, BitmapFont.Advance);
        }
        font.texture.Upload(atlas, AtlasWidth, height, 1);
        return font;
    }

    /// <summary>Width of <paramref name="text"/> at <paramref name="scale"/>, in pixels.</summary>
    public float Measure(string text, float scale = 1)
    {
        float w = 0;
        foreach (var rune in text.EnumerateRunes()) w += Find(rune.Value).Advance;
        return w * scale;
    }

    internal float Draw(Renderer r, string text, float x, float y, Color c, float scale)
    {
        float pen = x, baseline = MathF.Round(y + Ascent * scale);
        foreach (var rune in text.EnumerateRunes())
        {
            var g = Find(rune.Value);
            if (g.X1 > g.X0)
            {
                float x0 = MathF.Round(pen + g.XOff * scale), y0 = baseline + g.YOff * scale;
                r.Glyph(x0, y0, x0 + (g.X1 - g.X0) * scale, y0 + (g.Y1 - g.Y0) * scale,
                    g.X0 / AtlasWidth, g.Y0 / atlasHeight, g.X1 / AtlasWidth, g.Y1 / atlasHeight, texture.Id, c);
            }
            pen += g.Advance * scale;
        }
        return pen - x;
    }

    private Glyph Find(int codePoint) =>
        glyphs.TryGetValue(codePoint, out var g) ? g : glyphs.TryGetValue('?', out g) ? g : default;

    public void Dispose() => texture.Dispose();
}
