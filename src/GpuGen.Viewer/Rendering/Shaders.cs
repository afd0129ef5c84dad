using System.Text;
using GpuGen.Viewer.Native;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// The one shader program of the viewer. Vertices carry a pixel position (top-left origin), a
/// texture coordinate and a colour; <c>uMode</c> picks solid colour, a float image mapped from
/// [lo, hi] to [0, 1], text coverage, an RGBA image, or round points.
/// </summary>
internal static unsafe class Shaders
{
    public const int Solid = 0, FloatImage = 1, Coverage = 2, RgbaImage = 3, RoundPoint = 4;

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

    private const string Fragment = """
        #version 330 core
        in vec2 vUv;
        in vec4 vColor;
        uniform int uMode;
        uniform sampler2D uTex;
        uniform vec2 uRange;
        out vec4 oColor;
        void main() {
            if (uMode == 0) {
                oColor = vColor;
            } else if (uMode == 1) {
                vec3 v = texture(uTex, vUv).rgb;
                oColor = vec4(clamp((v - uRange.x) / (uRange.y - uRange.x), 0.0, 1.0), 1.0) * vColor;
            } else if (uMode == 2) {
                oColor = vec4(vColor.rgb, vColor.a * texture(uTex, vUv).r);
            } else if (uMode == 3) {
                oColor = texture(uTex, vUv) * vColor;
            } else {
                vec2 d = gl_PointCoord - vec2(0.5);
                if (dot(d, d) > 0.25) discard;
                oColor = vColor;
            }
        }
        """;

    public static uint Build(Gl gl)
    {
        uint vs = Compile(gl, Gl.VertexShader, Vertex, "vertex");
        uint fs = Compile(gl, Gl.FragmentShader, Fragment, "fragment");
        uint program = gl.CreateProgram();
        gl.AttachShader(program, vs);
        gl.AttachShader(program, fs);
        gl.LinkProgram(program);
        gl.DeleteShader(vs);
        gl.DeleteShader(fs);
        int ok;
        gl.GetProgramiv(program, Gl.LinkStatus, &ok);
        if (ok == 0)
        {
            var log = new byte[4096];
            int len;
            fixed (byte* p = log) gl.GetProgramInfoLog(program, log.Length, &len, p);
            throw new InvalidOperationException($"the viewer's shader program does not link: {Encoding.UTF8.GetString(log, 0, len)}");
        }
        return program;
    }

    public static int Uniform(Gl gl, uint program, string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* p = bytes) return gl.GetUniformLocation(program, p);
    }

    private static uint Compile(Gl gl, uint kind, string source, string what)
    {
        uint shader = gl.CreateShader(kind);
        var bytes = Encoding.UTF8.GetBytes(source);
        fixed (byte* p = bytes)
        {
            byte* s = p;
            int len = bytes.Length;
            gl.ShaderSource(shader, 1, &s, &len);
        }
        gl.CompileShader(shader);
        int ok;
        gl.GetShaderiv(shader, Gl.CompileStatus, &ok);
        if (ok == 0)
        {
            var log = new byte[4096];
            int len;
            fixed (byte* p = log) gl.GetShaderInfoLog(shader, log.Length, &len, p);
            throw new InvalidOperationException($"the viewer's {what} shader does not compile: {Encoding.UTF8.GetString(log, 0, len)}");
        }
        return shader;
    }
}
