using GpuGen.IO;
using GpuGen.Viewer.Native;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// A framebuffer object (RGBA8) to draw offscreen frames into: every frame of an offscreen surface,
/// and a window's frame drawn again when a screenshot asks for it after the frame was shown.
/// </summary>
internal sealed unsafe class RenderTarget : IDisposable
{
    private readonly Gl gl;
    private uint fbo, texture;

    public RenderTarget(Gl gl) => this.gl = gl;

    public uint Fbo => fbo;

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>(Re)allocates the colour buffer when the size changed; binds the framebuffer.</summary>
    public void Bind(int width, int height)
    {
        if (width != Width || height != Height || fbo == 0)
        {
            gl.Delete(gl.DeleteFramebuffers, fbo);
            gl.Delete(gl.DeleteTextures, texture);
            texture = gl.Gen(gl.GenTextures);
            gl.BindTexture(Gl.Texture2D, texture);
            gl.TexImage2D(Gl.Texture2D, 0, (int)Gl.Rgba8, width, height, 0, Gl.Rgba, Gl.UnsignedByte, null);
            gl.TexParameteri(Gl.Texture2D, Gl.TextureMinFilter, (int)Gl.Nearest);
            gl.TexParameteri(Gl.Texture2D, Gl.TextureMagFilter, (int)Gl.Nearest);
            fbo = gl.Gen(gl.GenFramebuffers);
            gl.BindFramebuffer(Gl.Framebuffer, fbo);
            gl.FramebufferTexture2D(Gl.Framebuffer, Gl.ColorAttachment0, Gl.Texture2D, texture, 0);
            uint status = gl.CheckFramebufferStatus(Gl.Framebuffer);
            if (status != Gl.FramebufferComplete)
                throw new InvalidOperationException($"the {width}x{height} framebuffer is incomplete (status 0x{status:X4})");
            Width = width;
            Height = height;
        }
        gl.BindFramebuffer(Gl.Framebuffer, fbo);
        gl.Viewport(0, 0, width, height);
    }

    /// <summary>The frame as an RGB image, top row first.</summary>
    public Image Read() => ReadFrame(gl, fbo, Width, Height);

    /// <summary>
    /// Reads <paramref name="framebuffer"/> (0: the window's back buffer, where a frame is drawn before
    /// it is shown) as an RGB image, top row first (glReadPixels gives rows bottom-up).
    /// </summary>
    public static Image ReadFrame(Gl gl, uint framebuffer, int width, int height)
    {
        var rgba = new byte[width * height * 4];
        gl.BindFramebuffer(Gl.ReadFramebuffer, framebuffer);
        if (framebuffer == 0) gl.ReadBuffer(Gl.Back);
        gl.PixelStorei(Gl.PackAlignment, 1);
        fixed (byte* p = rgba) gl.ReadPixels(0, 0, width, height, Gl.Rgba, Gl.UnsignedByte, p);
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

    public void Dispose()
    {
        gl.Delete(gl.DeleteFramebuffers, fbo);
        gl.Delete(gl.DeleteTextures, texture);
        fbo = texture = 0;
    }
}
