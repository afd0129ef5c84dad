using System.Diagnostics;
using GpuGen.IO;
using GpuGen.Viewer.Hosting;
using Silk.NET.OpenGL;
using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer;

/// <summary>
/// Where frames are drawn: a GLFW window (OpenGL 3.3 core) or, with <c>headless</c>, an offscreen EGL
/// context. A window's frame is drawn straight into its back buffer and swapped in; an offscreen one
/// into a framebuffer object. Screenshots read those pixels (<see cref="RenderCaptured"/> reads the
/// window's back buffer before it is shown). All calls belong to the thread that opened the surface.
/// </summary>
/// <remarks>
/// Drawing a window's frames offscreen first and blitting them in (so that a screenshot could read
/// them at any time) cost Mesa's software renderer 3.3 ms of CPU a frame at 1100×640, against 0.8 ms
/// for a whole empty frame drawn and swapped directly: more than the sample grid itself.
/// </remarks>
public sealed class ViewerSurface : IDisposable
{
    private readonly GlHost host;
    private readonly RenderTarget target;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private double lastFrameAt;
    private Action<Renderer, RectF>? lastDraw;
    private Image? lastCapture;
    private (int Width, int Height) lastSize;

    private ViewerSurface(GlHost host)
    {
        this.host = host;
        try
        {
            target = new RenderTarget(host.Gl);
            Renderer = new Renderer(host.Gl);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        host.KeyHandler = OnKey;
    }

    /// <summary>
    /// Opens a window of <paramref name="width"/>×<paramref name="height"/>, or an offscreen surface of
    /// that size with <paramref name="headless"/>. Throws NotSupportedException with the reason (and
    /// the --headless hint) when no GL 3.3 context can be had.
    /// </summary>
    public static ViewerSurface Open(int width, int height, string title = "GpuGen", bool headless = false, bool visible = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        GlHost host = headless ? new EglHeadless(width, height) : new GlfwWindow(width, height, title, visible);
        // Mesa llvmpipe rasterises on threads of its own, started with the context: on a machine
        // with few cores they would take the CPU from the sampler as readily as the sampler takes it
        // from them. Lowered, they draw with whatever the sampler leaves.
        Native.LibC.LowerThreadPriority("llvmpipe-", RasterizerNice);
        return new ViewerSurface(host);
    }

    /// <summary>
    /// How much the nice value of a software renderer's threads (Mesa llvmpipe's "llvmpipe-N") is
    /// raised when a surface opens, so the display yields the CPU to sampling (default 10;
    /// GPUGEN_VIEW_RASTER_NICE overrides; 0 leaves them alone). No effect on hardware drivers.
    /// </summary>
    public static int RasterizerNice { get; set; } =
        int.TryParse(Environment.GetEnvironmentVariable("GPUGEN_VIEW_RASTER_NICE"), out int nice) ? Math.Clamp(nice, 0, 19) : 10;

    /// <summary>Null when a window can be opened here, else why not (no GLFW, no X server).</summary>
    public static string? WindowUnavailable() => GlfwWindow.Unavailable();

    public Renderer Renderer { get; }

    public bool IsWindow => host.IsWindow;

    /// <summary>The size the next frame is drawn at (the window's framebuffer, or the offscreen size).</summary>
    public (int Width, int Height) Size => host.Size;

    /// <summary>The OpenGL renderer and version, e.g. "llvmpipe (LLVM 15.0.6, 256 bits), 4.5 (Core Profile) Mesa 22.3.6".</summary>
    public string GlDescription => host.Describe();

    /// <summary>Key presses (and repeats) are applied to these controls.</summary>
    public ViewerControls? Controls { get; set; }

    /// <summary>Raised for every viewer key pressed, after <see cref="Controls"/> saw it.</summary>
    public event Action<ViewerKey>? KeyPressed;

    public long FramesDrawn { get; private set; }

    /// <summary>Seconds the last frame took from the end of the one before (for frames/s).</summary>
    public double LastFrameSeconds { get; private set; }

    public bool ShouldClose => host.ShouldClose || Controls?.State.Quit == true;

    public void PollEvents() => host.PollEvents();

    /// <summary>True once after the window system asked for the window's contents again (exposed, resized): draw a frame.</summary>
    public bool TakeRefresh() => host.TakeRefresh();

    public void SetTitle(string title) => host.SetTitle(title);

    /// <summary>Resizes the window (through the window manager) or the offscreen frame.</summary>
    public void Resize(int width, int height)
    {
        if (host is GlfwWindow w) w.Resize(width, height);
        else if (host is EglHeadless h) h.Resize(width, height);
    }

    /// <summary>The test hook: delivers a GLFW key event exactly as the window's key callback would.</summary>
    public void SimulateKey(int glfwKey, int mods = 0, int action = Native.Glfw.Press) => OnKey(glfwKey, action, mods);

    /// <summary>Draws one frame with <paramref name="draw"/> (given the whole frame's area) and shows it.</summary>
    public void Render(Action<Renderer, RectF> draw) => Render(draw, capture: false);

    /// <summary>
    /// Draws one frame, reads it back from the framebuffer it was drawn into (a window's back buffer,
    /// before the swap) and shows it: the pixels the window shows, as an RGB image, top row first.
    /// </summary>
    public Image RenderCaptured(Action<Renderer, RectF> draw)
    {
        Render(draw, capture: true);
        return lastCapture ?? throw new InvalidOperationException("no frame was drawn: the window is minimised");
    }

    private unsafe void Render(Action<Renderer, RectF> draw, bool capture)
    {
        var (w, h) = host.Size;
        if (w <= 0 || h <= 0) return; // minimised
        lastDraw = draw;
        lastSize = (w, h);
        lastCapture = null;
        uint framebuffer = 0;
        if (host.IsWindow)
        {
            host.Gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
            host.Gl.Viewport(0, 0, (uint)w, (uint)h);
        }
        else
        {
            target.Bind(w, h);
            framebuffer = target.Fbo;
        }
        Draw(draw, w, h);
        if (capture) lastCapture = RenderTarget.ReadFrame(host.Gl, framebuffer, w, h);
        host.Present();
        FramesDrawn++;
        double now = clock.Elapsed.TotalSeconds;
        LastFrameSeconds = now - lastFrameAt;
        lastFrameAt = now;
    }

    private void Draw(Action<Renderer, RectF> draw, int w, int h)
    {
        Renderer.Begin(w, h, Color.PanelBackground, Color.Background);
        draw(Renderer, new RectF(0, 0, w, h));
        Renderer.End();
    }

    /// <summary>
    /// The last frame drawn, as an RGB image (top row first). Offscreen, and after
    /// <see cref="RenderCaptured"/>, these are the pixels drawn; once a window's frame has been
    /// shown without a capture (its back buffer is undefined after the swap) the same drawing is
    /// done again offscreen, at the window's size, and read from there.
    /// </summary>
    public Image Screenshot()
    {
        if (lastCapture is not null) return lastCapture;
        if (lastDraw is null) throw new InvalidOperationException("no frame has been drawn yet");
        if (host.IsWindow)
        {
            var (w, h) = lastSize;
            target.Bind(w, h);
            Draw(lastDraw, w, h);
        }
        return lastCapture = target.Read();
    }

    private void OnKey(int key, int action, int mods)
    {
        if (action == Native.Glfw.Release) return;
        if (ViewerKeys.FromGlfw(key, mods) is not { } k) return;
        Controls?.Press(k);
        KeyPressed?.Invoke(k);
    }

    public void Dispose()
    {
        Renderer.Dispose();
        target.Dispose();
        host.Dispose();
    }
}
