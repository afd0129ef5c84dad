using System.Runtime.InteropServices;

namespace GpuGen.Viewer.Native;

/// <summary>
/// The OpenGL 3.3 core functions the renderer uses, as unmanaged function pointers fetched through a
/// loader (glfwGetProcAddress or eglGetProcAddress) once a context is current. One table per context;
/// GL calls belong to the thread that made the context current.
/// </summary>
internal sealed unsafe class Gl
{
    public const uint ColorBufferBit = 0x4000;
    public const uint Triangles = 0x0004;
    public const uint Points = 0x0000;
    public const uint Lines = 0x0001;
    public const uint Blend = 0x0BE2;
    public const uint SrcAlpha = 0x0302;
    public const uint OneMinusSrcAlpha = 0x0303;
    public const uint Texture2D = 0x0DE1;
    public const uint Texture0 = 0x84C0;
    public const uint TextureMinFilter = 0x2801;
    public const uint TextureMagFilter = 0x2800;
    public const uint TextureWrapS = 0x2802;
    public const uint TextureWrapT = 0x2803;
    public const uint TextureSwizzleG = 0x8E43;
    public const uint TextureSwizzleB = 0x8E44;
    public const uint ClampToEdge = 0x812F;
    public const uint Nearest = 0x2600;
    public const uint Linear = 0x2601;
    public const uint Red = 0x1903;
    public const uint Rgb = 0x1907;
    public const uint Rgba = 0x1908;
    public const uint R8 = 0x8229;
    public const uint R32F = 0x822E;
    public const uint Rgb32F = 0x8815;
    public const uint Rgba8 = 0x8058;
    public const uint UnsignedByte = 0x1401;
    public const uint Float = 0x1406;
    public const uint UnpackAlignment = 0x0CF5;
    public const uint PackAlignment = 0x0D05;
    public const uint ArrayBuffer = 0x8892;
    public const uint StreamDraw = 0x88E0;
    public const uint VertexShader = 0x8B31;
    public const uint FragmentShader = 0x8B30;
    public const uint CompileStatus = 0x8B81;
    public const uint LinkStatus = 0x8B82;
    public const uint Framebuffer = 0x8D40;
    public const uint ReadFramebuffer = 0x8CA8;
    public const uint Back = 0x0405;
    public const uint DrawFramebuffer = 0x8CA9;
    public const uint ColorAttachment0 = 0x8CE0;
    public const uint FramebufferComplete = 0x8CD5;
    public const uint ProgramPointSize = 0x8642;
    public const uint ScissorTest = 0x0C11;
    public const uint Vendor = 0x1F00;
    public const uint Renderer = 0x1F01;
    public const uint Version = 0x1F02;
    public const uint MajorVersion = 0x821B;
    public const uint MinorVersion = 0x821C;

    public readonly delegate* unmanaged<uint, byte*> GetString;
    public readonly delegate* unmanaged<uint> GetError;
    public readonly delegate* unmanaged<uint, int*, void> GetIntegerv;
    public readonly delegate* unmanaged<int, int, int, int, void> Viewport;
    public readonly delegate* unmanaged<int, int, int, int, void> Scissor;
    public readonly delegate* unmanaged<float, float, float, float, void> ClearColor;
    public readonly delegate* unmanaged<uint, void> Clear;
    public readonly delegate* unmanaged<uint, void> Enable;
    public readonly delegate* unmanaged<uint, void> Disable;
    public readonly delegate* unmanaged<uint, uint, void> BlendFunc;
    public readonly delegate* unmanaged<void> Finish;
    public readonly delegate* unmanaged<int, uint*, void> GenTextures;
    public readonly delegate* unmanaged<int, uint*, void> DeleteTextures;
    public readonly delegate* unmanaged<uint, uint, void> BindTexture;
    public readonly delegate* unmanaged<uint, void> ActiveTexture;
    public readonly delegate* unmanaged<uint, int, int, int, int, int, uint, uint, void*, void> TexImage2D;
    public readonly delegate* unmanaged<uint, int, int, int, int, int, uint, uint, void*, void> TexSubImage2D;
    public readonly delegate* unmanaged<uint, uint, int, void> TexParameteri;
    public readonly delegate* unmanaged<uint, int, void> PixelStorei;
    public readonly delegate* unmanaged<int, int, int, int, uint, uint, void*, void> ReadPixels;
    public readonly delegate* unmanaged<uint, void> ReadBuffer;
    public readonly delegate* unmanaged<int, uint*, void> GenBuffers;
    public readonly delegate* unmanaged<int, uint*, void> DeleteBuffers;
    public readonly delegate* unmanaged<uint, uint, void> BindBuffer;
    public readonly delegate* unmanaged<uint, nint, void*, uint, void> BufferData;
    public readonly delegate* unmanaged<int, uint*, void> GenVertexArrays;
    public readonly delegate* unmanaged<int, uint*, void> DeleteVertexArrays;
    public readonly delegate* unmanaged<uint, void> BindVertexArray;
    public readonly delegate* unmanaged<uint, void> EnableVertexAttribArray;
    public readonly delegate* unmanaged<uint, int, uint, byte, int, nint, void> VertexAttribPointer;
    public readonly delegate* unmanaged<uint, int, int, void> DrawArrays;
    public readonly delegate* unmanaged<uint, uint> CreateShader;
    public readonly delegate* unmanaged<uint, void> DeleteShader;
    public readonly delegate* unmanaged<uint, int, byte**, int*, void> ShaderSource;
    public readonly delegate* unmanaged<uint, void> CompileShader;
    public readonly delegate* unmanaged<uint, uint, int*, void> GetShaderiv;
    public readonly delegate* unmanaged<uint, int, int*, byte*, void> GetShaderInfoLog;
    public readonly delegate* unmanaged<uint> CreateProgram;
    public readonly delegate* unmanaged<uint, void> DeleteProgram;
    public readonly delegate* unmanaged<uint, uint, void> AttachShader;
    public readonly delegate* unmanaged<uint, void> LinkProgram;
    public readonly delegate* unmanaged<uint, uint, int*, void> GetProgramiv;
    public readonly delegate* unmanaged<uint, int, int*, byte*, void> GetProgramInfoLog;
    public readonly delegate* unmanaged<uint, void> UseProgram;
    public readonly delegate* unmanaged<uint, byte*, int> GetUniformLocation;
    public readonly delegate* unmanaged<int, int, void> Uniform1i;
    public readonly delegate* unmanaged<int, float, void> Uniform1f;
    public readonly delegate* unmanaged<int, float, float, void> Uniform2f;
    public readonly delegate* unmanaged<int, uint*, void> GenFramebuffers;
    public readonly delegate* unmanaged<int, uint*, void> DeleteFramebuffers;
    public readonly delegate* unmanaged<uint, uint, void> BindFramebuffer;
    public readonly delegate* unmanaged<uint, uint, uint, uint, int, void> FramebufferTexture2D;
    public readonly delegate* unmanaged<uint, uint> CheckFramebufferStatus;

    /// <summary>Loads every function through <paramref name="loader"/>; names the first one missing.</summary>
    public Gl(Func<string, nint> loader)
    {
        nint Load(string name)
        {
            nint p = loader(name);
            if (p == 0) throw new NotSupportedException($"OpenGL function {name} is not available: the context is not OpenGL 3.3 core");
            return p;
        }
        GetString = (delegate* unmanaged<uint, byte*>)Load("glGetString");
        GetError = (delegate* unmanaged<uint>)Load("glGetError");
        GetIntegerv = (delegate* unmanaged<uint, int*, void>)Load("glGetIntegerv");
        Viewport = (delegate* unmanaged<int, int, int, int, void>)Load("glViewport");
        Scissor = (delegate* unmanaged<int, int, int, int, void>)Load("glScissor");
        ClearColor = (delegate* unmanaged<float, float, float, float, void>)Load("glClearColor");
        Clear = (delegate* unmanaged<uint, void>)Load("glClear");
        Enable = (delegate* unmanaged<uint, void>)Load("glEnable");
        Disable = (delegate* unmanaged<uint, void>)Load("glDisable");
        BlendFunc = (delegate* unmanaged<uint, uint, void>)Load("glBlendFunc");
        Finish = (delegate* unmanaged<void>)Load("glFinish");
        GenTextures = (delegate* unmanaged<int, uint*, void>)Load("glGenTextures");
        DeleteTextures = (delegate* unmanaged<int, uint*, void>)Load("glDeleteTextures");
        BindTexture = (delegate* unmanaged<uint, uint, void>)Load("glBindTexture");
        ActiveTexture = (delegate* unmanaged<uint, void>)Load("glActiveTexture");
        TexImage2D = (delegate* unmanaged<uint, int, int, int, int, int, uint, uint, void*, void>)Load("glTexImage2D");
        TexSubImage2D = (delegate* unmanaged<uint, int, int, int, int, int, uint, uint, void*, void>)Load("glTexSubImage2D");
        TexParameteri = (delegate* unmanaged<uint, uint, int, void>)Load("glTexParameteri");
        PixelStorei = (delegate* unmanaged<uint, int, void>)Load("glPixelStorei");
        ReadPixels = (delegate* unmanaged<int, int, int, int, uint, uint, void*, void>)Load("glReadPixels");
        ReadBuffer = (delegate* unmanaged<uint, void>)Load("glReadBuffer");
        GenBuffers = (delegate* unmanaged<int, uint*, void>)Load("glGenBuffers");
        DeleteBuffers = (delegate* unmanaged<int, uint*, void>)Load("glDeleteBuffers");
        BindBuffer = (delegate* unmanaged<uint, uint, void>)Load("glBindBuffer");
        BufferData = (delegate* unmanaged<uint, nint, void*, uint, void>)Load("glBufferData");
        GenVertexArrays = (delegate* unmanaged<int, uint*, void>)Load("glGenVertexArrays");
        DeleteVertexArrays = (delegate* unmanaged<int, uint*, void>)Load("glDeleteVertexArrays");
        BindVertexArray = (delegate* unmanaged<uint, void>)Load("glBindVertexArray");
        EnableVertexAttribArray = (delegate* unmanaged<uint, void>)Load("glEnableVertexAttribArray");
        VertexAttribPointer = (delegate* unmanaged<uint, int, uint, byte, int, nint, void>)Load("glVertexAttribPointer");
        DrawArrays = (delegate* unmanaged<uint, int, int, void>)Load("glDrawArrays");
        CreateShader = (delegate* unmanaged<uint, uint>)Load("glCreateShader");
        DeleteShader = (delegate* unmanaged<uint, void>)Load("glDeleteShader");
        ShaderSource = (delegate* unmanaged<uint, int, byte**, int*, void>)Load("glShaderSource");
        CompileShader = (delegate* unmanaged<uint, void>)Load("glCompileShader");
        GetShaderiv = (delegate* unmanaged<uint, uint, int*, void>)Load("glGetShaderiv");
        GetShaderInfoLog = (delegate* unmanaged<uint, int, int*, byte*, void>)Load("glGetShaderInfoLog");
        CreateProgram = (delegate* unmanaged<uint>)Load("glCreateProgram");
        DeleteProgram = (delegate* unmanaged<uint, void>)Load("glDeleteProgram");
        AttachShader = (delegate* unmanaged<uint, uint, void>)Load("glAttachShader");
        LinkProgram = (delegate* unmanaged<uint, void>)Load("glLinkProgram");
        GetProgramiv = (delegate* unmanaged<uint, uint, int*, void>)Load("glGetProgramiv");
        GetProgramInfoLog = (delegate* unmanaged<uint, int, int*, byte*, void>)Load("glGetProgramInfoLog");
        UseProgram = (delegate* unmanaged<uint, void>)Load("glUseProgram");
        GetUniformLocation = (delegate* unmanaged<uint, byte*, int>)Load("glGetUniformLocation");
        Uniform1i = (delegate* unmanaged<int, int, void>)Load("glUniform1i");
        Uniform1f = (delegate* unmanaged<int, float, void>)Load("glUniform1f");
        Uniform2f = (delegate* unmanaged<int, float, float, void>)Load("glUniform2f");
        GenFramebuffers = (delegate* unmanaged<int, uint*, void>)Load("glGenFramebuffers");
        DeleteFramebuffers = (delegate* unmanaged<int, uint*, void>)Load("glDeleteFramebuffers");
        BindFramebuffer = (delegate* unmanaged<uint, uint, void>)Load("glBindFramebuffer");
        FramebufferTexture2D = (delegate* unmanaged<uint, uint, uint, uint, int, void>)Load("glFramebufferTexture2D");
        CheckFramebufferStatus = (delegate* unmanaged<uint, uint>)Load("glCheckFramebufferStatus");
    }

    public string String(uint name)
    {
        var p = GetString(name);
        return p == null ? "" : Marshal.PtrToStringUTF8((nint)p) ?? "";
    }

    public int Integer(uint name)
    {
        int v = 0;
        GetIntegerv(name, &v);
        return v;
    }

    /// <summary>Throws with the GL error code if the last calls left one, naming what was being done.</summary>
    public void Check(string what)
    {
        uint e = GetError();
        if (e != 0) throw new InvalidOperationException($"OpenGL error 0x{e:X4} in {what}");
    }

    public uint Gen(delegate* unmanaged<int, uint*, void> gen)
    {
        uint id = 0;
        gen(1, &id);
        return id;
    }

    public void Delete(delegate* unmanaged<int, uint*, void> delete, uint id)
    {
        if (id != 0) delete(1, &id);
    }
}
