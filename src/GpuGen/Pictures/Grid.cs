using GpuGen.IO;

namespace GpuGen.Pictures;

/// <summary>
/// Sample grids: a batch of images as floats (N×C×H×W, C = 1 or 3) tiled row by row into one RGB
/// image with padding between tiles, like torchvision's make_grid.
/// </summary>
public static class Grid
{
    /// <summary>Small images (under 48 pixels high) are drawn twice as large.</summary>
    public static int ScaleFor(int height) => height < 48 ? 2 : 1;

    /// <summary>
    /// Tiles <paramref name="count"/> images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>
    /// floats. With neither <paramref name="rows"/> nor <paramref name="cols"/> the grid is as square as
    /// possible; with one of them the other follows. Tile i goes to row i / cols, column i % cols, at
    /// pixel (padding + col·(width·scale + padding), padding + row·(height·scale + padding)).
    /// </summary>
    public static Image FromFloats(ReadOnlySpan<float> chw, int count, int channels, int height, int width,
        PixelRange range = PixelRange.MinusOneToOne, int rows = 0, int cols = 0, int padding = 2, int scale = 1, Rgb? padColor = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "grid tiles are grayscale (1) or RGB (3)");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        long expected = (long)count * channels * height * width;
        if (chw.Length != expected)
            throw new ArgumentException($"{count} images of {channels}x{height}x{width} need {expected} floats, got {chw.Length}", nameof(chw));
        (rows, cols) = Arrange(count, rows, cols);

        int tileW = width * scale, tileH = height * scale;
        var image = new Image(padding + cols * (tileW + padding), padding + rows * (tileH + padding), 3);
        var pad = padColor ?? Rgb.White;
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i += 3) (p[i], p[i + 1], p[i + 2]) = (pad.R, pad.G, pad.B);

        // value → byte: [-1,1] maps through (v+1)/2, then [0,1] → round(255·v), clamped.
        float mul = range == PixelRange.MinusOneToOne ? 127.5f : 255f;
        float add = range == PixelRange.MinusOneToOne ? 127.5f : 0f;
        int plane = height * width;
        for (int n = 0; n < count; n++)
        {
            int x0 = padding + n % cols * (tileW + padding), y0 = padding + n / cols * (tileH + padding);
            var src = chw.Slice(n * channels * plane, channels * plane);
            for (int y = 0; y < tileH; y++)
                for (int x = 0; x < tileW; x++)
                {
                    int s = y / scale * width + x / scale, d = ((y0 + y) * image.Width + x0 + x) * 3;
                    for (int c = 0; c < 3; c++)
                        p[d + c] = ToByte(src[(channels == 1 ? 0 : c) * plane + s], mul, add);
                }
        }
        return image;
    }

    internal static (int Rows, int Cols) Arrange(int count, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (rows == 0 && cols == 0) cols = (int)Math.Ceiling(Math.Sqrt(count));
        if (cols == 0) cols = (count + rows - 1) / rows;
        if (rows == 0) rows = (count + cols - 1) / cols;
        if ((long)rows * cols < count)
            throw new ArgumentException($"a {rows}x{cols} grid cannot hold {count} images");
        return (rows, cols);
    }

    static byte ToByte(float v, float mul, float add)
    {
        float b = v * mul + add + 0.5f;
        return float.IsNaN(b) ? (byte)0 : (byte)Math.Clamp(b, 0f, 255f);
    }
}
