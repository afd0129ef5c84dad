using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>
/// A grid of images [n, C, H, W] filling in raster order (PixelCNN sampling): the first
/// <see cref="Filled"/> pixels of every image in row-major order show their values, the rest are
/// covered in <see cref="PendingColor"/>, and the pixel being drawn next is outlined.
/// </summary>
public sealed class RasterGridPanel : Panel
{
    private readonly ImageTiles tiles = new();

    /// <summary>Value shown black (default 0: pixels v/255).</summary>
    public float Low { get; set; }

    /// <summary>Value shown white.</summary>
    public float High { get; set; } = 1;

    /// <summary>Pixels drawn so far in each image (raster order).</summary>
    public int Filled { get; private set; }

    public Color PendingColor { get; set; } = Color.FromBytes(40, 48, 72);

    public Color CursorColor { get; set; } = Color.Orange;

    /// <summary>Where image i was drawn in the last frame (pixels, top-left origin).</summary>
    public IReadOnlyList<RectF> Tiles => tiles.Tiles;

    public int Count => tiles.Count;

    public float Gap
    {
        get => tiles.Gap;
        set => tiles.Gap = value;
    }

    /// <summary>Replaces the images (copied) of which <paramref name="filled"/> pixels each are drawn.</summary>
    public void Update(ReadOnlySpan<float> nchw, int n, int channels, int height, int width, int filled, int columns = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(filled);
        tiles.Set(nchw, n, channels, height, width, columns);
        Filled = Math.Min(filled, height * width);
    }

    /// <summary>The raster position (row, column) of the next pixel, or null once every pixel is drawn.</summary>
    public (int Row, int Column)? Next => Filled < tiles.ImageHeight * tiles.ImageWidth ? (Filled / tiles.ImageWidth, Filled % tiles.ImageWidth) : null;

    protected override void DrawContent(Renderer r, RectF area)
    {
        tiles.Draw(r, area, Low, High);
        if (Next is not { } next) return;
        int h = tiles.ImageHeight, w = tiles.ImageWidth;
        foreach (var tile in tiles.Tiles)
        {
            float cw = tile.W / w, ch = tile.H / h;
            float y = tile.Y + next.Row * ch, x = tile.X + next.Column * cw;
            r.FillRect(new RectF(x, y, tile.Right - x, ch), PendingColor);
            if (next.Row + 1 < h) r.FillRect(new RectF(tile.X, y + ch, tile.W, tile.Bottom - y - ch), PendingColor);
            if (cw >= 3 && ch >= 3) r.StrokeRect(new RectF(x, y, cw, ch), CursorColor);
        }
    }

    public override void Dispose()
    {
        tiles.Dispose();
        base.Dispose();
    }
}
