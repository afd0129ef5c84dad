using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// The window's text: <see cref="GlyphAtlas.DejaVuSans"/> (baked once by scripts/bake-font-atlas.sh,
/// decoded with StbImageSharp) uploaded once as a coverage texture; each glyph is a textured quad
/// on whole pixels, so the hinted glyphs stay as sharp as they were baked.
/// </summary>
public sealed class FontAtlas : IDisposable
{
    private readonly GlyphAtlas atlas;
    private readonly Texture texture;

    internal FontAtlas(Renderer renderer, GlyphAtlas atlas)
    {
        this.atlas = atlas;
        texture = renderer.CreateTexture();
        var c = atlas.Coverage;
        texture.Upload(c.Pixels, c.Width, c.Height, 1);
        // The line spacing of stb_truetype's "15 px" DejaVu that the panels were laid out for, with
        // the capitals centred in the line: the baseline a third of the spare height below them.
        LineHeight = 19;
        Ascent = MathF.Ceiling(atlas.CapHeight + (LineHeight - atlas.CapHeight) / 3f);
    }

    /// <summary>Height of one line of text at scale 1, in pixels.</summary>
    public float LineHeight { get; }

    /// <summary>Distance from the top of a line to the baseline at scale 1.</summary>
    public float Ascent { get; }

    /// <summary>What the glyphs came from, e.g. "DejaVu Sans 13 px (baked atlas)".</summary>
    public string Source => atlas.Name;

    /// <summary>Width of <paramref name="text"/> at <paramref name="scale"/>, in pixels.</summary>
    public float Measure(string text, float scale = 1) => atlas.Measure(text) * scale;

    internal float Draw(Renderer r, string text, float x, float y, Color c, float scale)
    {
        float pen = x, baseline = MathF.Round(y + Ascent * scale);
        float tw = atlas.Coverage.Width, th = atlas.Coverage.Height;
        foreach (var rune in text.EnumerateRunes())
        {
            var g = atlas.Find(rune.Value);
            if (g.W > 0 && g.H > 0)
            {
                float x0 = MathF.Round(pen + g.XOff * scale), y0 = baseline + g.YOff * scale;
                r.Glyph(x0, y0, x0 + g.W * scale, y0 + g.H * scale, g.X / tw, g.Y / th, (g.X + g.W) / tw, (g.Y + g.H) / th, texture.Id, c);
            }
            pen += g.Advance * scale;
        }
        return pen - x;
    }

    public void Dispose() => texture.Dispose();
}
