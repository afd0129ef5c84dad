using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// A 2-D texture: float images (R32F grey or RGB32F, mapped to colours by the shader's value range)
/// or 8-bit ones (R8 coverage for text, RGBA8). Re-uploads reuse the storage when the size holds;
/// <see cref="UploadRows"/> replaces only a band of rows.
/// </summary>
public sealed unsafe class Texture : IDisposable
{
    private readonly Renderer owner;
    private uint id;
    private InternalFormat format;

    internal Texture(Renderer owner, bool smooth = false)
    {
        this.owner = owner;
        var gl = owner.Gl;
        id = gl.GenTexture();
        gl.BindTexture(TextureTarget.Texture2D, id);
        int filter = (int)(smooth ? GLEnum.Linear : GLEnum.Nearest);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, filter);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, filter);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)GLEnum.ClampToEdge);
        gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)GLEnum.ClampToEdge);
    }

    internal uint Id => id;

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Bytes uploaded since the texture was made (for tests and the benchmark: only what changed goes up).</summary>
    public long BytesUploaded { get; private set; }

    /// <summary>Uploads floats, row-major, top row first, <paramref name="channels"/> (1 or 3) interleaved.</summary>
    public void Upload(ReadOnlySpan<float> pixels, int width, int height, int channels)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "float textures are grey (1) or RGB (3)");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"a {width}x{height}x{channels} texture needs {width * height * channels} floats, got {pixels.Length}");
        fixed (float* p = pixels)
            Store(channels == 1 ? InternalFormat.R32f : InternalFormat.Rgb32f, channels == 1 ? PixelFormat.Red : PixelFormat.Rgb, PixelType.Float, width, height, p);
        BytesUploaded += pixels.Length * 4L;
    }

    /// <summary>Uploads bytes: 1 channel (coverage / grey) or 4 (RGBA), top row first.</summary>
    public void Upload(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        CheckBytes(pixels.Length, width, height, channels);
        fixed (byte* p = pixels)
            Store(channels == 1 ? InternalFormat.R8 : InternalFormat.Rgba8, channels == 1 ? PixelFormat.Red : PixelFormat.Rgba, PixelType.UnsignedByte, width, height, p);
        BytesUploaded += pixels.Length;
    }

    /// <summary>
    /// Replaces rows [<paramref name="row0"/>, <paramref name="row0"/> + <paramref name="rows"/>) of a
    /// byte texture already stored at this size and layout from <paramref name="pixels"/> (the whole
    /// image, top row first): only those rows travel.
    /// </summary>
    public void UploadRows(ReadOnlySpan<byte> pixels, int width, int height, int channels, int row0, int rows)
    {
        CheckBytes(pixels.Length, width, height, channels);
        var wanted = channels == 1 ? InternalFormat.R8 : InternalFormat.Rgba8;
        if (width != Width || height != Height || wanted != format)
        {
            Upload(pixels, width, height, channels);
            return;
        }
        row0 = Math.Clamp(row0, 0, height);
        rows = Math.Clamp(rows, 0, height - row0);
        if (rows == 0) return;
        var gl = owner.Gl;
        owner.Flush();
        gl.BindTexture(TextureTarget.Texture2D, id);
        gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        fixed (byte* p = pixels)
            gl.TexSubImage2D(TextureTarget.Texture2D, 0, 0, row0, (uint)width, (uint)rows, channels == 1 ? PixelFormat.Red : PixelFormat.Rgba, PixelType.UnsignedByte,
                p + (long)row0 * width * channels);
        gl.Check("texture row upload");
        BytesUploaded += (long)rows * width * channels;
    }

    private static void CheckBytes(int length, int width, int height, int channels)
    {
        if (channels is not (1 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "byte textures are 1 or 4 channels");
        if (length != width * height * channels)
            throw new ArgumentException($"a {width}x{height}x{channels} texture needs {width * height * channels} bytes, got {length}");
    }

    private void Store(InternalFormat internalFormat, PixelFormat layout, PixelType type, int width, int height, void* data)
    {
        var gl = owner.Gl;
        owner.Flush();
        gl.BindTexture(TextureTarget.Texture2D, id);
        gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        if (width == Width && height == Height && internalFormat == format)
        {
            gl.TexSubImage2D(TextureTarget.Texture2D, 0, 0, 0, (uint)width, (uint)height, layout, type, data);
        }
        else
        {
            gl.TexImage2D(TextureTarget.Texture2D, 0, internalFormat, (uint)width, (uint)height, 0, layout, type, data);
            // A one-channel image is grey, not red: repeat R into G and B.
            bool grey = internalFormat is InternalFormat.R32f or InternalFormat.R8;
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureSwizzleG, (int)(grey ? GLEnum.Red : GLEnum.Green));
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureSwizzleB, (int)(grey ? GLEnum.Red : GLEnum.Blue));
            Width = width;
            Height = height;
            format = internalFormat;
        }
        gl.Check("texture upload");
    }

    public void Dispose()
    {
        if (id != 0) owner.Gl.DeleteTexture(id);
        id = 0;
    }
}
