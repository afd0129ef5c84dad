using GpuGen.Viewer.Native;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// A 2-D texture: float images (R32F grey or RGB32F, mapped to colours by the shader's value range)
/// or 8-bit ones (R8 coverage for text, RGBA8). Re-uploads reuse the storage when the size holds.
/// </summary>
public sealed unsafe class Texture : IDisposable
{
    private readonly Renderer owner;
    private uint id;
    private uint format;

    internal Texture(Renderer owner, bool smooth = false)
    {
        this.owner = owner;
        var gl = owner.Gl;
        id = gl.Gen(gl.GenTextures);
        gl.BindTexture(Gl.Texture2D, id);
        int filter = (int)(smooth ? Gl.Linear : Gl.Nearest);
        gl.TexParameteri(Gl.Texture2D, Gl.TextureMinFilter, filter);
        gl.TexParameteri(Gl.Texture2D, Gl.TextureMagFilter, filter);
        gl.TexParameteri(Gl.Texture2D, Gl.TextureWrapS, (int)Gl.ClampToEdge);
        gl.TexParameteri(Gl.Texture2D, Gl.TextureWrapT, (int)Gl.ClampToEdge);
    }

    internal uint Id => id;

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Uploads floats, row-major, top row first, <paramref name="channels"/> (1 or 3) interleaved.</summary>
    public void Upload(ReadOnlySpan<float> pixels, int width, int height, int channels)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "float textures are grey (1) or RGB (3)");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"a {width}x{height}x{channels} texture needs {width * height * channels} floats, got {pixels.Length}");
        fixed (float* p = pixels) Store(channels == 1 ? Gl.R32F : Gl.Rgb32F, channels == 1 ? Gl.Red : Gl.Rgb, Gl.Float, width, height, p);
    }

    /// <summary>Uploads bytes: 1 channel (coverage / grey) or 4 (RGBA), top row first.</summary>
    public void Upload(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (channels is not (1 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "byte textures are 1 or 4 channels");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"a {width}x{height}x{channels} texture needs {width * height * channels} bytes, got {pixels.Length}");
        fixed (byte* p = pixels) Store(channels == 1 ? Gl.R8 : Gl.Rgba8, channels == 1 ? Gl.Red : Gl.Rgba, Gl.UnsignedByte, width, height, p);
    }

    private void Store(uint internalFormat, uint layout, uint type, int width, int height, void* data)
    {
        var gl = owner.Gl;
        owner.Flush();
        gl.BindTexture(Gl.Texture2D, id);
        gl.PixelStorei(Gl.UnpackAlignment, 1);
        if (width == Width && height == Height && internalFormat == format)
        {
            gl.TexSubImage2D(Gl.Texture2D, 0, 0, 0, width, height, layout, type, data);
        }
        else
        {
            gl.TexImage2D(Gl.Texture2D, 0, (int)internalFormat, width, height, 0, layout, type, data);
            // A one-channel image is grey, not red: repeat R into G and B.
            int gb = (int)(internalFormat is Gl.R32F or Gl.R8 ? Gl.Red : 0);
            gl.TexParameteri(Gl.Texture2D, Gl.TextureSwizzleG, gb == 0 ? (int)0x1904 : gb);
            gl.TexParameteri(Gl.Texture2D, Gl.TextureSwizzleB, gb == 0 ? (int)0x1905 : gb);
            Width = width;
            Height = height;
            format = internalFormat;
        }
        gl.Check("texture upload");
    }

    public void Dispose()
    {
        owner.Gl.Delete(owner.Gl.DeleteTextures, id);
        id = 0;
    }
}
