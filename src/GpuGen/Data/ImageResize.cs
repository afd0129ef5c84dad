using GpuGen.IO;

namespace GpuGen.Data;

/// <summary>
/// Resizes 8-bit images, each axis on its own (the filters are separable):
/// <list type="bullet">
/// <item>down-scaling averages areas: output pixel i covers source interval [i·s, (i+1)·s), s = src/dst,
/// and is the mean of the source pixels weighted by how much of each that interval covers (OpenCV's
/// INTER_AREA; an integer factor k gives the plain mean of k×k blocks) — no aliasing, no dropped rows;</item>
/// <item>up-scaling is bilinear with pixel centres aligned (source x = (i + ½)·s − ½, clamped at the
/// edges; PyTorch's align_corners=False);</item>
/// <item>an axis that keeps its size is copied.</item>
/// </list>
/// The aspect ratio is not kept: the image is stretched to the target. Intermediate values stay in
/// float32; the result is rounded to nearest once.
/// </summary>
public static class ImageResize
{
    /// <summary>A resized copy of <paramref name="image"/> (the same object when the size already matches).</summary>
    public static Image Resize(Image image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == width && image.Height == height) return image;
        var result = new Image(width, height, image.Channels);
        Resize(image.Pixels, image.Width, image.Height, image.Channels, result.Pixels, width, height);
        return result;
    }

    /// <summary>Resizes interleaved pixels [srcHeight, srcWidth, channels] into [dstHeight, dstWidth, channels].</summary>
    public static void Resize(ReadOnlySpan<byte> source, int srcWidth, int srcHeight, int channels, Span<byte> destination, int dstWidth, int dstHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dstWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dstHeight);
        if (source.Length != srcWidth * srcHeight * channels)
            throw new ArgumentException($"a {srcWidth}x{srcHeight}x{channels} image has {srcWidth * srcHeight * channels} bytes, not {source.Length}", nameof(source));
        if (destination.Length != dstWidth * dstHeight * channels)
            throw new ArgumentException($"a {dstWidth}x{dstHeight}x{channels} image has {dstWidth * dstHeight * channels} bytes, not {destination.Length}", nameof(destination));

        var xs = Taps.For(srcWidth, dstWidth);
        var ys = Taps.For(srcHeight, dstHeight);

        // Horizontal pass: [srcHeight, dstWidth, channels] in float.
        var rows = new float[srcHeight * dstWidth * channels];
        for (int y = 0; y < srcHeight; y++)
        {
            var src = source.Slice(y * srcWidth * channels, srcWidth * channels);
            var dst = rows.AsSpan(y * dstWidth * channels, dstWidth * channels);
            for (int x = 0; x < dstWidth; x++)
                for (int t = 0; t < xs.Count[x]; t++)
                {
                    int from = (xs.First[x] + t) * channels;
                    float w = xs.Weight(x, t);
                    for (int c = 0; c < channels; c++) dst[x * channels + c] += w * src[from + c];
                }
        }

        // Vertical pass, rounding once at the end.
        int rowLength = dstWidth * channels;
        var acc = new float[rowLength];
        for (int y = 0; y < dstHeight; y++)
        {
            Array.Clear(acc);
            for (int t = 0; t < ys.Count[y]; t++)
            {
                float w = ys.Weight(y, t);
                var src = rows.AsSpan((ys.First[y] + t) * rowLength, rowLength);
                for (int i = 0; i < rowLength; i++) acc[i] += w * src[i];
            }
            var dst = destination.Slice(y * rowLength, rowLength);
            for (int i = 0; i < rowLength; i++) dst[i] = (byte)Math.Clamp((int)(acc[i] + 0.5f), 0, 255);
        }
    }

    /// <summary>For each output index along one axis: the first source index, the tap count and the weights.</summary>
    sealed class Taps
    {
        public required int[] First { get; init; }
        public required int[] Count { get; init; }
        public required float[] Weights { get; init; }
        public required int Stride { get; init; }

        public float Weight(int output, int tap) => Weights[output * Stride + tap];

        public static Taps For(int src, int dst)
        {
            if (dst < src) return Area(src, dst);
            if (dst > src) return Bilinear(src, dst);
            var identity = new int[dst];
            for (int i = 0; i < dst; i++) identity[i] = i;
            return new Taps { First = identity, Count = Enumerable.Repeat(1, dst).ToArray(), Weights = Enumerable.Repeat(1f, dst).ToArray(), Stride = 1 };
        }

        static Taps Area(int src, int dst)
        {
            double scale = (double)src / dst;
            int stride = (int)Math.Ceiling(scale) + 1;   // an interval of length s touches at most ⌈s⌉ + 1 pixels
            var first = new int[dst];
            var count = new int[dst];
            var weights = new float[dst * stride];
            for (int i = 0; i < dst; i++)
            {
                double lo = i * scale, hi = (i + 1) * scale;
                int j0 = (int)Math.Floor(lo), j1 = Math.Min(src, (int)Math.Ceiling(hi - 1e-9));
                first[i] = j0;
                for (int j = j0; j < j1; j++)
                {
                    double overlap = Math.Min(j + 1, hi) - Math.Max(j, lo);
                    if (overlap <= 0) continue;
                    weights[i * stride + (j - j0)] = (float)(overlap / scale);
                    count[i] = j - j0 + 1;
                }
            }
            return new Taps { First = first, Count = count, Weights = weights, Stride = stride };
        }

        static Taps Bilinear(int src, int dst)
        {
            double scale = (double)src / dst;
            var first = new int[dst];
            var count = new int[dst];
            var weights = new float[dst * 2];
            for (int i = 0; i < dst; i++)
            {
                double x = Math.Clamp((i + 0.5) * scale - 0.5, 0, src - 1);
                int j0 = Math.Min((int)Math.Floor(x), src - 1);
                double f = x - j0;
                first[i] = j0;
                count[i] = j0 + 1 < src ? 2 : 1;
                weights[2 * i] = (float)(1 - f);
                if (count[i] == 2) weights[2 * i + 1] = (float)f;
            }
            return new Taps { First = first, Count = count, Weights = weights, Stride = 2 };
        }
    }
}
