using GpuGen.IO;
using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// A framebuffer object (RGBA8) to draw offscreen frames into: every frame of an offscreen surface,
/// and a window's frame drawn again when a screenshot asks for it after the frame was shown.
/// </summary>
internal sealed unsafe class RenderTarget(GL gl) : IDisposable
{
    private uint fbo, texture;

    public uint Fbo => fbo;

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>(Re)allocates the colour buffer when the size changed; binds the framebuffer.</summary>
    public void Bind(int width, int height)
    {
        if (width != Width || height != Height || fbo == 0)
        {
            Release();
            texture = gl.GenTexture();
            gl.BindTexture(TextureTarget.Texture2D, texture);
            gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba8, (uint)width, (uint)height, 0, PixelFormat.Rgba, PixelType.UnsignedByte, null);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Nearest);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Nearest);
            fbo = gl.GenFramebuffer();
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, fbo);
            gl.FramebufferTexture2D(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, TextureTarget.Texture2D, texture, 0);
            var status = gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
            if (status != GLEnum.FramebufferComplete)
                throw new InvalidOperationException($"the {width}x{height} framebuffer is incomplete (status 0x{(int)status:X4})");
            Width = width;
            Height = height;
        }
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, fbo);
        gl.Viewport(0, 0, (uint)width, (uint)height);
    }

    /// <summary>The frame as an RGB image, top row first.</summary>
    public Image Read() => ReadFrame(gl, fbo, Width, Height);

    /// <summary>
    /// Reads <paramref name="framebuffer"/> (0: the window's back buffer, where a frame is drawn before
    /// it is shown) as an RGB image, top row first (glReadPixels gives rows bottom-up).
    /// </summary>
    public static Image ReadFrame(GL gl, uint framebuffer, int width, int height)
    {
        var rgba = new byte[width * height * 4];
        gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, framebuffer);
        if (framebuffer == 0) gl.ReadBuffer(ReadBufferMode.Back);
        gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        fixed (byte* p = rgba) gl.ReadPixels(0, 0, (uint)width, (uint)height, PixelFormat.Rgba, PixelType.UnsignedByte, p);
        gl.Check("glReadPixels");
        var image = new Image(width, height, 3);
        var dst = image.Pixels;
        for (int y = 0; y < height; y++)
        {
            int src = (height - 1 - y) * width * 4, d = y * width * 3;
            for (int x = 0; x < width; x++, src += 4, d += 3)
            {
                dst[d] = rgba[src];
                dst[d + 1] = rgba[src + 1];
                dst[d + 2] = rgba[src + 2];
            }
        }
        return image;
    }

    private void Release()
    {
        if (fbo != 0) gl.DeleteFramebuffer(fbo);
        if (texture != 0) gl.DeleteTexture(texture);
        fbo = texture = 0;
    }

    public void Dispose() => Release();
}
