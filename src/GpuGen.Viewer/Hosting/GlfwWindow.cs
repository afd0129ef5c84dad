using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuGen.Viewer.Native;
using GpuGen.Viewer.Rendering;
using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Hosting;

/// <summary>
/// A resizable GLFW window with an OpenGL 3.3 core context. GLFW is initialised once per process
/// (its error callback first, or failures are silent NULLs) and never terminated while windows may
/// still come. Failures name the reason and suggest --headless.
/// </summary>
internal sealed unsafe class GlfwWindow : GlHost
{
    private static readonly object InitLock = new();
    private static bool initialized;
    private static string? lastError;
    private static readonly ConcurrentDictionary<nint, GlfwWindow> Windows = new();

    private nint handle;
    private readonly GL gl;

    public GlfwWindow(int width, int height, string title, bool visible = true)
    {
        EnsureInit();
        Glfw.DefaultWindowHints();
        Glfw.WindowHint(Glfw.ContextVersionMajor, 3);
        Glfw.WindowHint(Glfw.ContextVersionMinor, 3);
        Glfw.WindowHint(Glfw.OpenGlProfile, Glfw.OpenGlCoreProfile);
        Glfw.WindowHint(Glfw.OpenGlForwardCompat, Glfw.True);
        Glfw.WindowHint(Glfw.Resizable, Glfw.True);
        Glfw.WindowHint(Glfw.Visible, visible ? 1 : 0);
        lastError = null;
        handle = Glfw.CreateWindow(width, height, title, 0, 0);
        if (handle == 0)
            throw new NotSupportedException($"cannot open an OpenGL 3.3 core window: {lastError ?? "glfwCreateWindow failed"}; use --headless DIR to render offscreen");
        Glfw.MakeContextCurrent(handle);
        Glfw.SwapInterval(0);
        try
        {
            gl = GL.GetApi(Glfw.GetProcAddress);
            gl.Require33("the window");
        }
        catch
        {
            Glfw.DestroyWindow(handle);
            throw;
        }
        Windows[handle] = this;
        Glfw.SetKeyCallback(handle, &OnKey);
        Glfw.SetWindowRefreshCallback(handle, &OnRefresh);
    }

    private volatile bool refresh;

    public override bool TakeRefresh()
    {
        bool r = refresh;
        refresh = false;
        return r;
    }

    public override GL Gl => gl;

    public override bool IsWindow => true;

    public override (int Width, int Height) Size
    {
        get
        {
            int w, h;
            Glfw.GetFramebufferSize(handle, &w, &h);
            return (w, h);
        }
    }

    public override bool ShouldClose => Glfw.WindowShouldClose(handle) != 0;

    public override void PollEvents() => Glfw.PollEvents();

    public override void Present() => Glfw.SwapBuffers(handle);

    public override void SetTitle(string title) => Glfw.SetWindowTitle(handle, title);

    /// <summary>Asks the window manager for a new client size (the framebuffer follows on the next poll).</summary>
    public void Resize(int width, int height) => Glfw.SetWindowSize(handle, width, height);

    public void RequestClose() => Glfw.SetWindowShouldClose(handle, 1);

    public override void Dispose()
    {
        if (handle == 0) return;
        Windows.TryRemove(handle, out _);
        Glfw.MakeContextCurrent(0);
        Glfw.DestroyWindow(handle);
        handle = 0;
    }

    /// <summary>The reason a window cannot be opened here, or null when GLFW initialises.</summary>
    public static string? Unavailable()
    {
        try
        {
            EnsureInit();
            return null;
        }
        catch (NotSupportedException e)
        {
            return e.Message;
        }
    }

    private static void EnsureInit()
    {
        lock (InitLock)
        {
            if (initialized) return;
            if (!Glfw.IsInstalled)
                throw new NotSupportedException($"GLFW ({Glfw.Library}) is not installed (apt-get install libglfw3); use --headless DIR to render offscreen");
            Glfw.SetErrorCallback(&OnError);
            lastError = null;
            if (Glfw.Init() == 0)
                throw new NotSupportedException($"GLFW cannot start: {lastError ?? "glfwInit failed"} (is DISPLAY set to a running X server?); use --headless DIR to render offscreen");
            initialized = true;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnError(int code, byte* description) =>
        lastError = $"GLFW error 0x{code:X}: {Marshal.PtrToStringUTF8((nint)description)}";

    [UnmanagedCallersOnly]
    private static void OnRefresh(nint window)
    {
        if (Windows.TryGetValue(window, out var w)) w.refresh = true;
    }

    [UnmanagedCallersOnly]
    private static void OnKey(nint window, int key, int scancode, int action, int mods)
    {
        if (Windows.TryGetValue(window, out var w)) w.KeyHandler?.Invoke(key, action, mods);
    }
}
