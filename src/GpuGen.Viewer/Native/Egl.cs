using System.Runtime.InteropServices;

namespace GpuGen.Viewer.Native;

/// <summary>
/// Thin bindings to EGL 1.5 (libglvnd's libEGL.so.1) for offscreen OpenGL without a display:
/// Mesa's surfaceless platform, or the device platform that NVIDIA servers offer.
/// </summary>
internal static unsafe partial class Egl
{
    public const string Library = "libEGL.so.1";

    public const int None = 0x3038;
    public const int Success = 0x3000;
    public const int SurfaceType = 0x3033;
    public const int PbufferBit = 0x0001;
    public const int RenderableType = 0x3040;
    public const int OpenGlBit = 0x0008;
    public const int RedSize = 0x3024;
    public const int GreenSize = 0x3023;
    public const int BlueSize = 0x3022;
    public const uint OpenGlApi = 0x30A2;
    public const int ContextMajorVersion = 0x3098;
    public const int ContextMinorVersion = 0x30FB;
    public const int ContextOpenGlProfileMask = 0x30FD;
    public const int ContextOpenGlCoreProfileBit = 0x0001;
    public const int PlatformDeviceExt = 0x313F;
    public const int PlatformSurfacelessMesa = 0x31DD;
    public const int Vendor = 0x3053;
    public const int Extensions = 0x3055;

    [LibraryImport(Library, EntryPoint = "eglGetProcAddress", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetProcAddress(string name);

    [LibraryImport(Library, EntryPoint = "eglGetPlatformDisplay")]
    public static partial nint GetPlatformDisplay(int platform, nint nativeDisplay, nint* attributes);

    [LibraryImport(Library, EntryPoint = "eglInitialize")]
    public static partial uint Initialize(nint display, int* major, int* minor);

    [LibraryImport(Library, EntryPoint = "eglTerminate")]
    public static partial uint Terminate(nint display);

    [LibraryImport(Library, EntryPoint = "eglBindAPI")]
    public static partial uint BindApi(uint api);

    [LibraryImport(Library, EntryPoint = "eglChooseConfig")]
    public static partial uint ChooseConfig(nint display, int* attributes, nint* configs, int size, int* count);

    [LibraryImport(Library, EntryPoint = "eglCreateContext")]
    public static partial nint CreateContext(nint display, nint config, nint share, int* attributes);

    [LibraryImport(Library, EntryPoint = "eglDestroyContext")]
    public static partial uint DestroyContext(nint display, nint context);

    [LibraryImport(Library, EntryPoint = "eglMakeCurrent")]
    public static partial uint MakeCurrent(nint display, nint draw, nint read, nint context);

    [LibraryImport(Library, EntryPoint = "eglGetError")]
    public static partial int GetError();

    [LibraryImport(Library, EntryPoint = "eglQueryString")]
    public static partial byte* QueryString(nint display, int name);

    public static bool IsInstalled => NativeLibrary.TryLoad(Library, typeof(Egl).Assembly, null, out _);

    public static string? Query(nint display, int name)
    {
        var p = QueryString(display, name);
        return p == null ? null : Marshal.PtrToStringUTF8((nint)p);
    }
}
