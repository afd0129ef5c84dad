using GpuGen.IO;
using System.Globalization;

namespace GpuGen.Pictures;

/// <summary>
/// Text as coverage: DejaVu Sans at a 13 px em (the size stb_truetype's "15 px" gave), hinted and
/// rasterised once by FreeType into one grey PNG plus glyph metrics (scripts/bake-font-atlas.sh),
/// embedded in GpuGen and decoded with StbImageSharp; a 19 px atlas gives the pictures' titles. ASCII, ×, Greek, ᾱ, subscript digits, arrows,
/// −, … and two combining accents; anything else draws as '?'. No font file or TrueType rasteriser
/// is needed at run time. The window uploads <see cref="Coverage"/> once as a texture.
/// </summary>
public sealed class GlyphAtlas
{
    /// <summary>One glyph: its box in the atlas, the box's top-left relative to the pen on the baseline (y down), and the pen's advance.</summary>
    public readonly record struct Glyph(int X, int Y, int W, int H, int XOff, int YOff, float Advance);

    private readonly Dictionary<int, Glyph> glyphs;

    private GlyphAtlas(Image coverage, Dictionary<int, Glyph> glyphs, int ascent, int descent, string name)
    {
        Coverage = coverage;
        this.glyphs = glyphs;
        FontAscent = ascent;
        FontDescent = descent;
        Name = name;
        CapHeight = glyphs.TryGetValue('H', out var h) ? -h.YOff : ascent;
    }

    /// <summary>The embedded DejaVu Sans atlas at 13 px: the window's text and the pictures' labels (decoded once per process).</summary>
    public static GlyphAtlas DejaVuSans => Shared.Value;

    /// <summary>DejaVu Sans at 19 px (capitals 14 px high): the pictures' titles.</summary>
    public static GlyphAtlas DejaVuSansTitle => SharedTitle.Value;

    private static readonly Lazy<GlyphAtlas> Shared = new(() => Load("dejavu-sans-13", "DejaVu Sans 13 px (baked atlas)"));
    private static readonly Lazy<GlyphAtlas> SharedTitle = new(() => Load("dejavu-sans-19", "DejaVu Sans 19 px (baked atlas)"));

    /// <summary>The atlas: one channel, 0 (nothing) to 255 (covered).</summary>
    public Image Coverage { get; }

    /// <summary>What the glyphs are, e.g. "DejaVu Sans 13 px (baked atlas)".</summary>
    public string Name { get; }

    /// <summary>The font's ascender and descender, in pixels (the line's extent above and below the baseline).</summary>
    public int FontAscent { get; }

    public int FontDescent { get; }

    /// <summary>Height of the capitals above the baseline, in pixels.</summary>
    public int CapHeight { get; }

    /// <summary>The glyph of <paramref name="codePoint"/>, or '?' where the atlas lacks it.</summary>
    public Glyph Find(int codePoint) =>
        glyphs.TryGetValue(codePoint, out var g) ? g : glyphs.TryGetValue('?', out g) ? g : default;

    /// <summary>Whether the atlas has its own glyph for <paramref name="codePoint"/>.</summary>
    public bool Has(int codePoint) => glyphs.ContainsKey(codePoint);

    /// <summary>Height of a line of text from the top of its capitals to the bottom of its descenders, in pixels.</summary>
    public int TextHeight => CapHeight + FontDescent;

    /// <summary>Width of <paramref name="text"/> in whole pixels (the advances summed, rounded up).</summary>
    public int Width(string text) => (int)MathF.Ceiling(Measure(text));

    /// <summary>Width of <paramref name="text"/> at scale 1, in pixels (the advances summed).</summary>
    public float Measure(string text)
    {
        float w = 0;
        foreach (var rune in text.EnumerateRunes()) w += Find(rune.Value).Advance;
        return w;
    }

    private static GlyphAtlas Load(string stem, string name)
    {
        var assembly = typeof(GlyphAtlas).Assembly;
        Stream Open(string ext) => assembly.GetManifestResourceStream($"GpuGen.Fonts.{stem}{ext}")
            ?? throw new InvalidOperationException($"the font atlas GpuGen.Fonts.{stem}{ext} is not embedded in {assembly.GetName().Name}");
        var png = new MemoryStream();
        using (var s = Open(".png")) s.CopyTo(png);
        var coverage = Image.Decode(png.ToArray(), $"{stem}.png (embedded)", desiredChannels: 1);
        using var reader = new StreamReader(Open(".txt"));
        var glyphs = new Dictionary<int, Glyph>();
        int ascent = 0, descent = 0, lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split(' ');
            int I(int k) => int.Parse(f[k], NumberStyles.Integer, CultureInfo.InvariantCulture);
            try
            {
                switch (f[0])
                {
                    case "atlas":
                        if ((I(1), I(2)) != (coverage.Width, coverage.Height))
                            throw new InvalidDataException($"the metrics are for a {I(1)}x{I(2)} atlas, the PNG is {coverage.Width}x{coverage.Height}");
                        break;
                    case "font":
                        (ascent, descent) = (I(1), I(2));
                        break;
                    default:
                        var g = new Glyph(I(1), I(2), I(3), I(4), I(5), I(6), float.Parse(f[7], NumberStyles.Float, CultureInfo.InvariantCulture));
                        if (g.X < 0 || g.Y < 0 || g.X + g.W > coverage.Width || g.Y + g.H > coverage.Height)
                            throw new InvalidDataException($"the glyph's box {g.X},{g.Y} {g.W}x{g.H} leaves the atlas");
                        glyphs[int.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = g;
                        break;
                }
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or InvalidDataException)
            {
                throw new InvalidDataException($"font metrics {stem}.txt line {lineNumber}: {e.Message}", e);
            }
        }
        return new GlyphAtlas(coverage, glyphs, ascent, descent, name);
    }
}
