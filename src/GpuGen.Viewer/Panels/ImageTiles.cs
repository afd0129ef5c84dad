using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>
/// A batch of images [n, C, H, W] (C = 1 or 3) tiled into one texture, drawn as a grid with a gap
/// between tiles that keeps the images' aspect ratio (whole-number scale when they fit at least
/// once). Values map from [lo, hi] to black…white on the CPU, once per new batch, into an 8-bit
/// texture (grey or RGBA): what the display shows is 8-bit anyway, and a software renderer (Mesa
/// llvmpipe) samples 8-bit textures several times faster than float ones.
/// </summary>
internal sealed class ImageTiles : IDisposable
{
    private Texture? texture;
    private float[] atlas = [];
    private byte[] bytes = [];
    private float mappedLo = float.NaN, mappedHi = float.NaN;
    private bool dirty;
    private RectF[] tiles = [];

    public int Count { get; private set; }
    public int Channels { get; private set; }
    public int ImageHeight { get; private set; }
    public int ImageWidth { get; private set; }
    public int Columns { get; private set; }
    public int Rows => Columns == 0 ? 0 : (Count + Columns - 1) / Columns;

    /// <summary>Where tile i went in the last draw, in pixels.</summary>
    public IReadOnlyList<RectF> Tiles => tiles;

    public float Gap { get; set; } = 2;

    /// <summary>Columns from this one on are drawn as empty outlines (slots not filled yet).</summary>
    public int FilledColumns { get; set; } = int.MaxValue;

    /// <summary>Copies the images; <paramref name="columns"/> 0 makes the grid as square as possible.</summary>
    public void Set(ReadOnlySpan<float> nchw, int n, int channels, int height, int width, int columns = 0)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "images are grey (1) or RGB (3)");
        if (nchw.Length != n * channels * height * width)
            throw new ArgumentException($"{n} images of {channels}x{height}x{width} need {n * channels * height * width} floats, got {nchw.Length}");
        Count = n;
        Channels = channels;
        ImageHeight = height;
        ImageWidth = width;
        Columns = columns > 0 ? Math.Min(columns, n) : (int)Math.Ceiling(Math.Sqrt(n));
        int aw = Columns * width, ah = Rows * height;
        if (atlas.Length != aw * ah * channels) atlas = new float[aw * ah * channels];
        else Array.Clear(atlas);
        int plane = height * width;
        for (int i = 0; i < n; i++)
        {
            int ox = i % Columns * width, oy = i / Columns * height;
            var src = nchw.Slice(i * channels * plane, channels * plane);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int d = ((oy + y) * aw + ox + x) * channels;
                    for (int c = 0; c < channels; c++) atlas[d + c] = src[c * plane + y * width + x];
                }
        }
        dirty = true;
    }

    /// <summary>Draws the grid centred in <paramref name="area"/>; returns the rectangle it covers.</summary>
    public RectF Draw(Renderer r, RectF area, float lo = -1, float hi = 1)
    {
        if (Count == 0) return default;
        texture ??= r.CreateTexture();
        if (dirty || lo != mappedLo || hi != mappedHi)
        {
            Quantize(lo, hi);
            texture.Upload(bytes, Columns * ImageWidth, Rows * ImageHeight, Channels == 1 ? 1 : 4);
            (mappedLo, mappedHi, dirty) = (lo, hi, false);
        }
        int cols = Columns, rows = Rows;
        float gap = Gap;
        // Fit the grid without its gaps, then put the gaps back.
        var fit = new RectF(area.X, area.Y, area.W - gap * (cols - 1), area.H - gap * (rows - 1)).Fit(cols * ImageWidth, rows * ImageHeight);
        float tw = fit.W / cols, th = fit.H / rows;
        if (tw <= 0 || th <= 0) return default;
        float ox = MathF.Floor(area.X + (area.W - (tw * cols + gap * (cols - 1))) / 2);
        float oy = MathF.Floor(area.Y + (area.H - (th * rows + gap * (rows - 1))) / 2);
        if (tiles.Length != Count) tiles = new RectF[Count];
        for (int i = 0; i < Count; i++)
        {
            int col = i % cols, row = i / cols;
            var dst = new RectF(ox + col * (tw + gap), oy + row * (th + gap), tw, th);
            tiles[i] = dst;
            if (col >= FilledColumns)
            {
                r.StrokeRect(dst, Color.Grid);
                continue;
            }
            var uv = new RectF((float)col / cols, (float)row / rows, 1f / cols, 1f / rows);
            r.RgbaImage(texture, dst, uv, opaque: true);
        }
        return new RectF(ox, oy, tw * cols + gap * (cols - 1), th * rows + gap * (rows - 1));
    }

    /// <summary>The atlas as bytes: round(255 · clamp((v − lo) / (hi − lo))), as the GPU would write it (NaN: 0); RGB gets A = 255.</summary>
    private void Quantize(float lo, float hi)
    {
        int pixels = atlas.Length / Channels, outChannels = Channels == 1 ? 1 : 4;
        if (bytes.Length != pixels * outChannels) bytes = new byte[pixels * outChannels];
        float scale = 1 / (hi - lo);
        for (int p = 0; p < pixels; p++)
        {
            int s = p * Channels, d = p * outChannels;
            for (int c = 0; c < Channels; c++)
            {
                float f = (atlas[s + c] - lo) * scale;
                bytes[d + c] = f >= 1 ? (byte)255 : f > 0 ? (byte)(f * 255 + 0.5f) : (byte)0;
            }
            if (outChannels == 4) bytes[d + 3] = 255;
        }
    }

    public void Dispose() => texture?.Dispose();
}
