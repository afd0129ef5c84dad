using System.Runtime.InteropServices;

namespace GpuGen.Viewer.Native;

/// <summary>
/// Thin bindings to GLFW 3 (Debian's libglfw3 ships libglfw.so.3 only), covering what
/// <see cref="Hosting.GlfwWindow"/> uses. Source-generated (LibraryImport): trimming- and AOT-safe.
/// </summary>
internal static unsafe partial class Glfw
{
    public const string Library = "libglfw.so.3";

    public const int True = 1;
    public const int Visible = 0x00020004;
    public const int Resizable = 0x00020003;
    public const int ContextVersionMajor = 0x00022002;
    public const int ContextVersionMinor = 0x00022003;
    public const int OpenGlForwardCompat = 0x00022006;
    public const int OpenGlProfile = 0x00022008;
    public const int OpenGlCoreProfile = 0x00032001;

    public const int Release = 0;
    public const int Press = 1;
    public const int Repeat = 2;
    public const int ModShift = 0x0001;

    [LibraryImport(Library, EntryPoint = "glfwInit")]
    public static partial int Init();

    [LibraryImport(Library, EntryPoint = "glfwTerminate")]
    public static partial void Terminate();

    [LibraryImport(Library, EntryPoint = "glfwSetErrorCallback")]
    public static partial nint SetErrorCallback(delegate* unmanaged<int, byte*, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwDefaultWindowHints")]
    public static partial void DefaultWindowHints();

    [LibraryImport(Library, EntryPoint = "glfwWindowHint")]
    public static partial void WindowHint(int hint, int value);

    [LibraryImport(Library, EntryPoint = "glfwCreateWindow", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint CreateWindow(int width, int height, string title, nint monitor, nint share);

    [LibraryImport(Library, EntryPoint = "glfwDestroyWindow")]
    public static partial void DestroyWindow(nint window);

    [LibraryImport(Library, EntryPoint = "glfwMakeContextCurrent")]
    public static partial void MakeContextCurrent(nint window);

    [LibraryImport(Library, EntryPoint = "glfwGetProcAddress", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetProcAddress(string name);

    [LibraryImport(Library, EntryPoint = "glfwSwapBuffers")]
    public static partial void SwapBuffers(nint window);

    [LibraryImport(Library, EntryPoint = "glfwSwapInterval")]
    public static partial void SwapInterval(int interval);

    [LibraryImport(Library, EntryPoint = "glfwPollEvents")]
    public static partial void PollEvents();

    [LibraryImport(Library, EntryPoint = "glfwWindowShouldClose")]
    public static partial int WindowShouldClose(nint window);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowShouldClose")]
    public static partial void SetWindowShouldClose(nint window, int value);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowTitle", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void SetWindowTitle(nint window, string title);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowSize")]
    public static partial void SetWindowSize(nint window, int width, int height);

    [LibraryImport(Library, EntryPoint = "glfwGetFramebufferSize")]
    public static partial void GetFramebufferSize(nint window, int* width, int* height);

    [LibraryImport(Library, EntryPoint = "glfwSetKeyCallback")]
    public static partial nint SetKeyCallback(nint window, delegate* unmanaged<nint, int, int, int, int, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowRefreshCallback")]
    public static partial nint SetWindowRefreshCallback(nint window, delegate* unmanaged<nint, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowUserPointer")]
    public static partial void SetWindowUserPointer(nint window, nint pointer);

    [LibraryImport(Library, EntryPoint = "glfwGetWindowUserPointer")]
    public static partial nint GetWindowUserPointer(nint window);

    /// <summary>Whether libglfw.so.3 can be loaded at all.</summary>
    public static bool IsInstalled => NativeLibrary.TryLoad(Library, typeof(Glfw).Assembly, null, out _);
}
