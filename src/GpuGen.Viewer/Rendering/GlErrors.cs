using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Rendering;

/// <summary>GL status checks: each turns a GL error into an exception naming what was being done.</summary>
internal static class GlErrors
{
    /// <summary>Throws with the GL error code if the last calls left one.</summary>
    public static void Check(this GL gl, string what)
    {
        var e = gl.GetError();
        if (e != GLEnum.NoError) throw new InvalidOperationException($"OpenGL error 0x{(int)e:X4} ({e}) in {what}");
    }

    /// <summary>GL_RENDERER and GL_VERSION, e.g. "llvmpipe (LLVM 15.0.6, 256 bits), 4.5 (Core Profile) Mesa 22.3.6".</summary>
    public static string Describe(this GL gl) => $"{gl.GetStringS(StringName.Renderer)}, {gl.GetStringS(StringName.Version)}";

    /// <summary>Checks that the context really is OpenGL 3.3 or newer.</summary>
    public static void Require33(this GL gl, string where)
    {
        int major = gl.GetInteger(GetPName.MajorVersion), minor = gl.GetInteger(GetPName.MinorVersion);
        if (major * 10 + minor < 33)
            throw new NotSupportedException($"{where} gave OpenGL {major}.{minor} ({gl.GetStringS(StringName.Renderer)}); the viewer needs 3.3 core");
    }
}
