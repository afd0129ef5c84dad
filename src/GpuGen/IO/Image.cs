namespace GpuGen.IO;

/// <summary>
/// An 8-bit image in host memory: <see cref="Pixels"/> holds <see cref="Height"/> rows of
/// <see cref="Width"/> pixels, each <see cref="Channels"/> bytes (1 grey, 3 RGB, 4 RGBA), row-major
/// and interleaved. Decoding (PNG, JPEG, BMP and the other formats stb_image reads) and PNG encoding
/// go through the native stb library.
/// </summary>
public sealed class Image
{
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
    public static Image Load(string path, int desiredChannels = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckDesired(desiredChannels);
        return Decode(File.ReadAllBytes(path), path, desiredChannels);
    }

    /// <summary>
    /// Decodes an encoded image; <paramref name="sourceName"/> (a path or a description) names the
    /// input in error messages.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is corrupt or in an unsupported format.</exception>
    public static unsafe Image Decode(ReadOnlySpan<byte> encoded, string sourceName, int desiredChannels = 0)
    {
        CheckDesired(desiredChannels);
        if (encoded.IsEmpty)
            throw new InvalidDataException($"image {sourceName}: cannot decode an empty file");
        byte* pixels;
        int w, h, inFile;
        fixed (byte* p = encoded)
            pixels = StbNative.LoadFromMemory(p, encoded.Length, out w, out h, out inFile, desiredChannels);
        if (pixels == null)
            throw new InvalidDataException($"image {sourceName}: cannot decode ({StbNative.FailureReason()})");
        try
        {
            int channels = desiredChannels != 0 ? desiredChannels : inFile;
            var bytes = new ReadOnlySpan<byte>(pixels, checked(w * h * channels));
            return channels == 2 ? FromGreyAlpha(w, h, bytes) : new Image(w, h, channels, bytes.ToArray());
        }
        finally
        {
            StbNative.Free(pixels);
        }
    }

    /// <summary>Encodes as PNG (lossless: decoding gives back exactly these pixels).</summary>
    public unsafe byte[] EncodePng()
    {
        byte* png;
        int length;
        fixed (byte* p = Pixels)
            png = StbNative.WritePngToMem(p, Stride, Width, Height, Channels, out length);
        if (png == null)
            throw new InvalidOperationException($"stbi_write_png_to_mem failed for a {Width}x{Height}x{Channels} image");
        try
        {
            return new ReadOnlySpan<byte>(png, length).ToArray();
        }
        finally
        {
            StbNative.Free(png);
        }
    }

    /// <summary>Writes a PNG file atomically (an existing file is replaced only by a complete one).</summary>
    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, EncodePng());

    /// <summary>Encodes as baseline JPEG; used by tests to produce JPEG input.</summary>
    internal unsafe byte[] EncodeJpeg(int quality = 90)
    {
        fixed (byte* p = Pixels)
            return StbNative.WriteJpg(p, Width, Height, Channels, quality);
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
