using GpuGen.Viewer.Native;
using GpuGen.Viewer.Rendering;
using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Hosting;

/// <summary>
/// An OpenGL 3.3 core context with no window and no X server: EGL on Mesa's surfaceless platform
/// (EGL_MESA_platform_surfaceless), else the first EGL device (EGL_EXT_platform_device, what NVIDIA
/// servers offer). Everything is drawn into the renderer's framebuffer object and read back.
/// </summary>
internal sealed unsafe class EglHeadless : GlHost
{
    private nint display, context;
    private readonly GL gl;
    private int width, height;

    public EglHeadless(int width, int height)
    {
        if (!Egl.IsInstalled)
            throw new NotSupportedException($"EGL ({Egl.Library}) is not installed (apt-get install libegl1 libegl-mesa0) for offscreen rendering");
        this.width = width;
        this.height = height;
        var errors = new List<string>();
        foreach (var (platform, native, name) in Candidates())
        {
            nint d = Egl.GetPlatformDisplay(platform, native, null);
            if (d == 0)
            {
                errors.Add($"{name}: no display (0x{Egl.GetError():X})");
                continue;
            }
            int major, minor;
            if (Egl.Initialize(d, &major, &minor) == 0)
            {
                errors.Add($"{name}: eglInitialize 0x{Egl.GetError():X}");
                continue;
            }
            nint c = CreateContext(d, out string? why);
            if (c == 0)
            {
                errors.Add($"{name}: {why}");
                Egl.Terminate(d);
                continue;
            }
            display = d;
            context = c;
            break;
        }
        if (context == 0)
            throw new NotSupportedException($"no offscreen OpenGL 3.3 core context through EGL ({string.Join("; ", errors)})");
        try
        {
            gl = GL.GetApi(Egl.GetProcAddress);
            gl.Require33("EGL");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public override GL Gl => gl;

    public override (int Width, int Height) Size => (width, height);

    public override bool IsWindow => false;

    /// <summary>Changes the offscreen frame size (the next frame is drawn at it).</summary>
    public void Resize(int newWidth, int newHeight) => (width, height) = (newWidth, newHeight);

    public override bool ShouldClose => false;

    public override void PollEvents()
    {
    }

    public override void Present() => gl.Finish();

    public override void Dispose()
    {
        if (display == 0) return;
        Egl.MakeCurrent(display, 0, 0, 0);
        if (context != 0) Egl.DestroyContext(display, context);
        Egl.Terminate(display);
        display = context = 0;
    }

    private static List<(int Platform, nint Native, string Name)> Candidates()
    {
        var list = new List<(int, nint, string)> { (Egl.PlatformSurfacelessMesa, 0, "surfaceless") };
        var query = (delegate* unmanaged<int, nint*, int*, uint>)Egl.GetProcAddress("eglQueryDevicesEXT");
        if (query == null) return list;
        var devices = new nint[8];
        int count = 0;
        fixed (nint* p = devices)
            if (query(devices.Length, p, &count) == 0) return list;
        for (int i = 0; i < count; i++) list.Add((Egl.PlatformDeviceExt, devices[i], $"device {i}"));
        return list;
    }

    private static nint CreateContext(nint d, out string? why)
    {
        why = null;
        if (Egl.BindApi(Egl.OpenGlApi) == 0)
        {
            why = "eglBindAPI(OpenGL) failed";
            return 0;
        }
        int* configAttributes = stackalloc int[] { Egl.RenderableType, Egl.OpenGlBit, Egl.None };
        nint config = 0;
        int count = 0;
        Egl.ChooseConfig(d, configAttributes, &config, 1, &count);
        // With no config (EGL_KHR_no_config_context) the context still renders into framebuffer objects.
        if (count == 0) config = 0;
        int* contextAttributes = stackalloc int[]
        {
            Egl.ContextMajorVersion, 3, Egl.ContextMinorVersion, 3,
            Egl.ContextOpenGlProfileMask, Egl.ContextOpenGlCoreProfileBit, Egl.None,
        };
        nint c = Egl.CreateContext(d, config, 0, contextAttributes);
        if (c == 0)
        {
            why = $"eglCreateContext (3.3 core) 0x{Egl.GetError():X}";
            return 0;
        }
        if (Egl.MakeCurrent(d, 0, 0, c) == 0)
        {
            why = $"eglMakeCurrent without a surface 0x{Egl.GetError():X}";
            Egl.DestroyContext(d, c);
            return 0;
        }
        return c;
    }
}
