using StbImageSharp;
using StbImageWriteSharp;

namespace GpuGen.IO;

/// <summary>
/// An 8-bit image in host memory: <see cref="Pixels"/> holds <see cref="Height"/> rows of
/// <see cref="Width"/> pixels, each <see cref="Channels"/> bytes (1 grey, 3 RGB, 4 RGBA), row-major
/// and interleaved. Decoding (PNG, JPEG, BMP, TGA, GIF's first frame, PSD, HDR) goes through
/// StbImageSharp and encoding (PNG, JPEG) through StbImageWriteSharp: managed ports of stb_image and
/// stb_image_write, no native code.
/// </summary>
public sealed class Image
{
    /// <summary>
    /// Most pixels a decoded image may declare (2^26 = 67,108,864, 256 MiB as RGBA): a header that
    /// declares more is refused before anything is allocated, so a corrupt or hostile file cannot
    /// make a decoder ask for gigabytes.
    /// </summary>
    public const long MaxPixels = 1L << 26;

    /// <summary>Wraps or allocates pixels; <paramref name="pixels"/> must hold width·height·channels bytes.</summary>
    public Image(int width, int height, int channels, byte[]? pixels = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (channels is not (1 or 3 or 4))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "an image has 1 (grey), 3 (RGB) or 4 (RGBA) channels");
        long size = (long)width * height * channels;
        if (size > Array.MaxLength)
            throw new ArgumentException($"a {width}x{height}x{channels} image does not fit in one array");
        if (pixels is not null && pixels.Length != size)
            throw new ArgumentException($"a {width}x{height}x{channels} image needs {size} bytes, got {pixels.Length}", nameof(pixels));
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels ?? new byte[size];
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public byte[] Pixels { get; }

    /// <summary>Bytes per row.</summary>
    public int Stride => Width * Channels;

    /// <summary>
    /// Reads and decodes an image file. <paramref name="desiredChannels"/> 0 keeps the file's channels
    /// (grey+alpha becomes RGBA); 1, 3 or 4 converts.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is empty, truncated, corrupt, 16-bit, declares no pixels or more than
    /// <see cref="MaxPixels"/>, or its extension does not name what it holds; one line naming the file.
    /// </exception>
    public static Image Load(string path, int desiredChannels = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckDesired(desiredChannels);
        var bytes = File.ReadAllBytes(path);
        if (ImageFormat.Mismatch(path, bytes) is { } why) throw new InvalidDataException($"image {path}: {why}");
        return Decode(bytes, path, desiredChannels);
    }

    /// <summary>
    /// Decodes an encoded image; <paramref name="sourceName"/> (a path or a description) names the
    /// input in error messages.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is corrupt, unsupported, 16-bit, or declares no pixels or too many.</exception>
    public static Image Decode(ReadOnlySpan<byte> encoded, string sourceName, int desiredChannels = 0)
    {
        CheckDesired(desiredChannels);
        if (encoded.IsEmpty)
            throw new InvalidDataException($"image {sourceName}: cannot decode an empty file");
        var data = encoded.ToArray();
        if (ImageFormat.DeclaredSize(data) is { } declared) CheckSize(declared.Width, declared.Height, sourceName);
        ImageInfo? info;
        try
        {
            info = ImageInfo.FromStream(new MemoryStream(data, writable: false));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"image {sourceName}: cannot decode ({Reason(e)})", e);
        }
        if (info is not { } i)
            throw new InvalidDataException($"image {sourceName}: cannot decode ({StbFailure() ?? $"not a {ImageFormat.Names} image"})");
        CheckSize(i.Width, i.Height, sourceName);
        if (i.BitsPerChannel != 8 && ImageFormat.Sniff(data) != "HDR")
            throw new InvalidDataException($"image {sourceName}: {i.BitsPerChannel} bits per channel; GpuGen reads 8-bit images (convert it to 8 bits)");
        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(data, desiredChannels switch
            {
                1 => StbImageSharp.ColorComponents.Grey,
                3 => StbImageSharp.ColorComponents.RedGreenBlue,
                4 => StbImageSharp.ColorComponents.RedGreenBlueAlpha,
                _ => StbImageSharp.ColorComponents.Default,
            });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"image {sourceName}: cannot decode ({Reason(e)})", e);
        }
        int channels = (int)result.Comp;
        long expected = (long)result.Width * result.Height * channels;
        if (result.Data is null || result.Data.Length < expected)
            throw new InvalidDataException($"image {sourceName}: cannot decode (the decoder returned {result.Data?.Length ?? 0} bytes for {result.Width}x{result.Height}x{channels})");
        var pixels = result.Data.Length == expected ? result.Data : result.Data[..(int)expected];
        return channels == 2 ? FromGreyAlpha(result.Width, result.Height, pixels) : new Image(result.Width, result.Height, channels, pixels);
    }

    /// <summary>Encodes as PNG (lossless: decoding gives back exactly these pixels).</summary>
    public byte[] EncodePng()
    {
        var sink = new MemoryStream();
        new ImageWriter().WritePng(Pixels, Width, Height, WriteComponents(Channels), sink);
        return sink.ToArray();
    }

    /// <summary>Writes a PNG file atomically (an existing file is replaced only by a complete one).</summary>
    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, EncodePng());

    /// <summary>Encodes as baseline JPEG at <paramref name="quality"/> (1–100).</summary>
    public byte[] EncodeJpeg(int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quality);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        var sink = new MemoryStream();
        new ImageWriter().WriteJpg(Pixels, Width, Height, WriteComponents(Channels), sink, quality);
        return sink.ToArray();
    }

    /// <summary>This image as 3-channel RGB (grey is replicated, alpha is composited over white).</summary>
    public Image ToRgb()
    {
        if (Channels == 3) return this;
        var rgb = new Image(Width, Height, 3);
        var src = Pixels;
        var dst = rgb.Pixels;
        int n = Width * Height;
        for (int i = 0; i < n; i++)
        {
            if (Channels == 1)
            {
                dst[3 * i] = dst[3 * i + 1] = dst[3 * i + 2] = src[i];
            }
            else
            {
                int a = src[4 * i + 3];
                for (int c = 0; c < 3; c++)
                    dst[3 * i + c] = (byte)((src[4 * i + c] * a + 255 * (255 - a) + 127) / 255);
            }
        }
        return rgb;
    }

    /// <summary>The writer's name for 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) channels.</summary>
    internal static StbImageWriteSharp.ColorComponents WriteComponents(int channels) => channels switch
    {
        1 => StbImageWriteSharp.ColorComponents.Grey,
        2 => StbImageWriteSharp.ColorComponents.GreyAlpha,
        3 => StbImageWriteSharp.ColorComponents.RedGreenBlue,
        4 => StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha,
        _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 to 4 channels"),
    };

    /// <summary>Refuses a declared size with no pixels or more than <see cref="MaxPixels"/>.</summary>
    static void CheckSize(long width, long height, string sourceName)
    {
        if (width <= 0 || height <= 0)
            throw new InvalidDataException($"image {sourceName}: declares {width}x{height} pixels (an image needs at least one)");
        if (width * height > MaxPixels)
            throw new InvalidDataException($"image {sourceName}: declares {width}x{height} pixels, more than the {MaxPixels:N0} GpuGen decodes (corrupt, or far larger than a training image)");
    }

    /// <summary>
    /// The reason StbImageSharp gave for its last failure. It keeps one for the whole process (not
    /// one a thread), so under concurrent decoding the reason may be another file's; the file named
    /// in the message is always the right one.
    /// </summary>
    static string? StbFailure() => string.IsNullOrWhiteSpace(StbImage.stbi__g_failure_reason) ? null : StbImage.stbi__g_failure_reason;

    /// <summary>stb's failure reason ("bad zlib header", "outofdata", …), on one line.</summary>
    static string Reason(Exception e) => string.IsNullOrWhiteSpace(e.Message) ? e.GetType().Name : e.Message.ReplaceLineEndings(" ").Trim();

    static Image FromGreyAlpha(int w, int h, ReadOnlySpan<byte> ga)
    {
        var image = new Image(w, h, 4);
        var dst = image.Pixels;
        for (int i = 0; i < w * h; i++)
        {
            byte g = ga[2 * i];
            dst[4 * i] = dst[4 * i + 1] = dst[4 * i + 2] = g;
            dst[4 * i + 3] = ga[2 * i + 1];
        }
        return image;
    }

    static void CheckDesired(int desiredChannels)
    {
        if (desiredChannels is not (0 or 1 or 3 or 4))
            throw new ArgumentOutOfRangeException(nameof(desiredChannels), desiredChannels, "use 0 (as stored), 1, 3 or 4");
    }
}
