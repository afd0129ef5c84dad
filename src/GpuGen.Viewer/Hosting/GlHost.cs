using GpuGen.Viewer.Rendering;
using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Hosting;

/// <summary>
/// Where the pictures go: a GLFW window (<see cref="GlfwWindow"/>) or an offscreen EGL context
/// (<see cref="EglHeadless"/>). Both give an OpenGL 3.3 core context current on the creating thread;
/// GL calls go through Silk.NET.OpenGL, its entry points taken from that context
/// (<c>GL.GetApi(glfwGetProcAddress)</c> or <c>GL.GetApi(eglGetProcAddress)</c>).
/// </summary>
internal abstract class GlHost : IDisposable
{
    public abstract GL Gl { get; }

    /// <summary>Framebuffer size in pixels (the window's client area, or the offscreen size).</summary>
    public abstract (int Width, int Height) Size { get; }

    public abstract bool IsWindow { get; }

    public abstract bool ShouldClose { get; }

    /// <summary>Key events: (GLFW key code, GLFW action, GLFW modifier bits).</summary>
    public Action<int, int, int>? KeyHandler { get; set; }

    public abstract void PollEvents();

    /// <summary>True once after the window system asked for the contents again (exposed, resized).</summary>
    public virtual bool TakeRefresh() => false;

    /// <summary>Shows the frame just drawn (window: swaps its buffers; offscreen: waits for the drawing to finish).</summary>
    public abstract void Present();

    public virtual void SetTitle(string title)
    {
    }

    /// <summary>GL_RENDERER and GL_VERSION, e.g. "llvmpipe (LLVM 15.0.6, 256 bits), 4.5 (Core Profile) Mesa 22.3.6".</summary>
    public string Describe() => Gl.Describe();

    public abstract void Dispose();
}
