using GpuGen.IO;
using GpuGen.Viewer.Native;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// The framebuffer object every frame is drawn into (RGBA8), in a window and offscreen alike; a
/// screenshot reads it back rather than the window (reading a covered window is undefined).
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

    /// <summary>The frame as an RGB image, top row first (glReadPixels gives rows bottom-up).</summary>
    public Image Read()
    {
        var rgba = new byte[Width * Height * 4];
        gl.BindFramebuffer(Gl.Framebuffer, fbo);
        gl.PixelStorei(Gl.PackAlignment, 1);
        fixed (byte* p = rgba) gl.ReadPixels(0, 0, Width, Height, Gl.Rgba, Gl.UnsignedByte, p);
        gl.Check("glReadPixels");
        var image = new Image(Width, Height, 3);
        var dst = image.Pixels;
        for (int y = 0; y < Height; y++)
        {
            int src = (Height - 1 - y) * Width * 4, d = y * Width * 3;
            for (int x = 0; x < Width; x++, src += 4, d += 3)
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
