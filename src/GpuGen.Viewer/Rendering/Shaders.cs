using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// The viewer's shader programs, one per drawing mode: solid colour, a float image mapped from
/// [lo, hi] to [0, 1], text coverage, an RGBA image, round points. Vertices carry a pixel position
/// (top-left origin), a texture coordinate and a colour. One program per mode rather than one that
/// branches on a mode uniform: a software renderer (Mesa llvmpipe) runs every branch of such a
/// shader for every pixel, texture fetches included, which made a plain filled rectangle cost as
/// much as a textured one.
/// </summary>
internal static class Shaders
{
    public const int Solid = 0, FloatImage = 1, Coverage = 2, RgbaImage = 3, RoundPoint = 4, Count = 5;

    private const string Vertex = """
        #version 330 core
        layout(location = 0) in vec2 aPos;
        layout(location = 1) in vec2 aUv;
        layout(location = 2) in vec4 aColor;
        uniform vec2 uSize;
        uniform float uPointSize;
        out vec2 vUv;
        out vec4 vColor;
        void main() {
            vec2 p = aPos / uSize * 2.0 - 1.0;
            gl_Position = vec4(p.x, -p.y, 0.0, 1.0);
            gl_PointSize = uPointSize;
            vUv = aUv;
            vColor = aColor;
        }
        """;

    private const string Header = """
        #version 330 core
        in vec2 vUv;
        in vec4 vColor;
        uniform sampler2D uTex;
        uniform vec2 uRange;
        out vec4 oColor;

        """;

    /// <summary>The fragment shader body of each mode, indexed by mode.</summary>
    private static readonly string[] Bodies =
    [
        "void main() { oColor = vColor; }",
        """
        void main() {
            vec3 v = texture(uTex, vUv).rgb;
            oColor = vec4(clamp((v - uRange.x) / (uRange.y - uRange.x), 0.0, 1.0), 1.0) * vColor;
        }
        """,
        "void main() { oColor = vec4(vColor.rgb, vColor.a * texture(uTex, vUv).r); }",
        "void main() { oColor = texture(uTex, vUv) * vColor; }",
        """
        void main() {
            vec2 d = gl_PointCoord - vec2(0.5);
            if (dot(d, d) > 0.25) discard;
            oColor = vColor;
        }
        """,
    ];

    /// <summary>
    /// The point-cloud program: positions in data units straight from a <see cref="PointBuffer"/>,
    /// mapped to pixels by uView = (sx, ox, sy, oy), pixel = (x·sx + ox, y·sy + oy); one colour.
    /// Square points, no discard: a software renderer fills them without a per-pixel branch.
    /// </summary>
    public static uint BuildPointProgram(GL gl)
    {
        const string vertex = """
            #version 330 core
            layout(location = 0) in vec2 aPos;
            uniform vec4 uView;
            uniform vec2 uSize;
            uniform float uPointSize;
            void main() {
                vec2 p = vec2(aPos.x * uView.x + uView.y, aPos.y * uView.z + uView.w) / uSize * 2.0 - 1.0;
                gl_Position = vec4(p.x, -p.y, 0.0, 1.0);
                gl_PointSize = uPointSize;
            }
            """;
        const string fragment = """
            #version 330 core
            uniform vec4 uColor;
            out vec4 oColor;
            void main() { oColor = uColor; }
            """;
        uint vs = Compile(gl, ShaderType.VertexShader, vertex, "point vertex");
        try
        {
            uint fs = Compile(gl, ShaderType.FragmentShader, fragment, "point fragment");
            try
            {
                return Link(gl, vs, fs);
            }
            finally
            {
                gl.DeleteShader(fs);
            }
        }
        finally
        {
            gl.DeleteShader(vs);
        }
    }

    /// <summary>Links the program of every mode (indexed by mode); the caller deletes them.</summary>
    public static uint[] BuildAll(GL gl)
    {
        uint vs = Compile(gl, ShaderType.VertexShader, Vertex, "vertex");
        var programs = new uint[Count];
        try
        {
            for (int mode = 0; mode < Count; mode++)
            {
                uint fs = Compile(gl, ShaderType.FragmentShader, Header + Bodies[mode], $"fragment (mode {mode})");
                programs[mode] = Link(gl, vs, fs);
                gl.DeleteShader(fs);
            }
        }
        catch
        {
            foreach (uint p in programs)
                if (p != 0) gl.DeleteProgram(p);
            throw;
        }
        finally
        {
            gl.DeleteShader(vs);
        }
        return programs;
    }

    private static uint Link(GL gl, uint vs, uint fs)
    {
        uint program = gl.CreateProgram();
        gl.AttachShader(program, vs);
        gl.AttachShader(program, fs);
        gl.LinkProgram(program);
        gl.GetProgram(program, ProgramPropertyARB.LinkStatus, out int ok);
        if (ok == 0)
        {
            string log = gl.GetProgramInfoLog(program);
            gl.DeleteProgram(program);
            throw new InvalidOperationException($"the viewer's shader program does not link: {log}");
        }
        return program;
    }

    private static uint Compile(GL gl, ShaderType kind, string source, string what)
    {
        uint shader = gl.CreateShader(kind);
        gl.ShaderSource(shader, source);
        gl.CompileShader(shader);
        gl.GetShader(shader, ShaderParameterName.CompileStatus, out int ok);
        if (ok == 0)
        {
            string log = gl.GetShaderInfoLog(shader);
            gl.DeleteShader(shader);
            throw new InvalidOperationException($"the viewer's {what} shader does not compile: {log}");
        }
        return shader;
    }
}
