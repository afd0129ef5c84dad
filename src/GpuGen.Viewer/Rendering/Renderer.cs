using GpuGen.Pictures;
using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// Immediate-mode 2-D drawing in pixels (origin top left): rectangles, thick polylines, round points,
/// float images and text, batched into as few draw calls as state changes allow. Panels draw
/// through this; it never knows what a panel shows. GL 3.3 core through Silk.NET.OpenGL: one VAO,
/// one streaming VBO for the batches, and <see cref="PointBuffer"/>s that keep their points on the
/// GPU between frames.
/// </summary>
public sealed unsafe class Renderer : IDisposable
{
    private const int Stride = 8; // x, y, u, v, r, g, b, a
    private readonly uint[] programs;
    private readonly int[] uSize, uRange, uPointSize;
    private readonly uint vao, vbo, pointProgram;
    private readonly int uPointView, uPointColor, uPointFrame, uPointPixel;
    private float[] vertices = new float[Stride * 4096];
    private int count;
    private int mode = -1;
    private bool opaque, blending;
    private PrimitiveType primitive;
    private uint texture;
    private float lo, hi, pointSize = 1;
    private Color clearColor, gutterColor;
    private readonly List<(int X0, int Y0, int X1, int Y1)> claims = [];

    internal Renderer(GL gl)
    {
        Gl = gl;
        programs = Shaders.BuildAll(gl);
        uSize = programs.Select(p => gl.GetUniformLocation(p, "uSize")).ToArray();
        uRange = programs.Select(p => gl.GetUniformLocation(p, "uRange")).ToArray();
        uPointSize = programs.Select(p => gl.GetUniformLocation(p, "uPointSize")).ToArray();
        foreach (uint p in programs)
        {
            // Every texture is sampled from unit 0.
            gl.UseProgram(p);
            gl.Uniform1(gl.GetUniformLocation(p, "uTex"), 0);
        }
        vao = gl.GenVertexArray();
        vbo = gl.GenBuffer();
        gl.BindVertexArray(vao);
        gl.BindBuffer(BufferTargetARB.ArrayBuffer, vbo);
        for (uint i = 0; i < 3; i++) gl.EnableVertexAttribArray(i);
        gl.VertexAttribPointer(0, 2, VertexAttribPointerType.Float, false, Stride * 4, (void*)0);
        gl.VertexAttribPointer(1, 2, VertexAttribPointerType.Float, false, Stride * 4, (void*)8);
        gl.VertexAttribPointer(2, 4, VertexAttribPointerType.Float, false, Stride * 4, (void*)16);
        gl.Check("renderer setup");
        pointProgram = Shaders.BuildPointProgram(gl);
        uPointView = gl.GetUniformLocation(pointProgram, "uView");
        uPointColor = gl.GetUniformLocation(pointProgram, "uColor");
        uPointFrame = gl.GetUniformLocation(pointProgram, "uSize");
        uPointPixel = gl.GetUniformLocation(pointProgram, "uPointSize");
        Font = new FontAtlas(this, GpuGen.Pictures.GlyphAtlas.DejaVuSans);
        string renderer = gl.GetStringS(StringName.Renderer) ?? "";
        IsSoftware = renderer.Contains("llvmpipe", StringComparison.OrdinalIgnoreCase) || renderer.Contains("softpipe", StringComparison.OrdinalIgnoreCase)
            || renderer.StartsWith("SWR", StringComparison.Ordinal);
    }

    internal GL Gl { get; }

    /// <summary>
    /// Whether GL draws on the CPU (Mesa's llvmpipe or softpipe, or OpenSWR): there
    /// every primitive costs setup time, and panels pick CPU-side ways of drawing many small ones.
    /// </summary>
    public bool IsSoftware { get; }

    /// <summary>The text font: the baked DejaVu Sans atlas, uploaded once.</summary>
    public FontAtlas Font { get; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Draw calls issued since <see cref="Begin"/> (for the benchmark).</summary>
    public int DrawCalls { get; private set; }

    public Texture CreateTexture(bool smooth = false) => new(this, smooth);

    /// <summary>
    /// Starts a frame of <paramref name="width"/>×<paramref name="height"/> pixels on the bound
    /// framebuffer, cleared to <paramref name="clear"/>; <paramref name="gutter"/>: the colour
    /// <see cref="End"/> gives every pixel no <see cref="Claim"/> covers, when anything was claimed.
    /// </summary>
    /// <remarks>
    /// A frame cleared to the panels' colour with the gutters painted at the end costs a software
    /// renderer far less than one cleared to the window's colour with every panel filled: the full
    /// clear is a memset of whole tiles, while a filled or scissor-cleared rectangle is shaded pixel
    /// by pixel (on llvmpipe ~2 ns a pixel: 1.5 ms of a 4.9 ms frame of the diffusion window).
    /// </remarks>
    internal void Begin(int width, int height, Color clear, Color gutter)
    {
        Width = width;
        Height = height;
        DrawCalls = 0;
        clearColor = clear;
        gutterColor = gutter;
        claims.Clear();
        Gl.ClearColor(clear.R, clear.G, clear.B, 1);
        Gl.Clear(ClearBufferMask.ColorBufferBit);
        Gl.Enable(EnableCap.Blend);
        blending = true;
        Gl.BlendFunc(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha);
        Gl.Enable(EnableCap.ProgramPointSize);
        Gl.BindVertexArray(vao);
        Gl.BindBuffer(BufferTargetARB.ArrayBuffer, vbo);
        mode = -1;
    }

    internal void End()
    {
        PaintGutters();
        Flush();
        Gl.Check("drawing a frame");
    }

    /// <summary>
    /// Claims <paramref name="area"/> for something drawn on a background of its own (a panel, the
    /// header line): when the frame ends, every pixel outside the areas claimed in it is painted the
    /// gutter colour, over whatever was drawn there. Returns whether the area already shows
    /// <paramref name="background"/> (the frame was cleared to it and nothing claimed there before),
    /// so the caller need not fill it.
    /// </summary>
    public bool Claim(RectF area, Color background)
    {
        var (x0, y0, x1, y1) = PixelBounds(area);
        if (x1 <= x0 || y1 <= y0) return true;
        bool clean = background == clearColor;
        foreach (var c in claims)
            if (c.X0 < x1 && x0 < c.X1 && c.Y0 < y1 && y0 < c.Y1) clean = false;
        claims.Add((x0, y0, x1, y1));
        return clean;
    }

    /// <summary>The gutter colour over every pixel no claim covers (nothing when nothing was claimed).</summary>
    private void PaintGutters()
    {
        if (claims.Count == 0) return;
        // Bands between consecutive claim edges; in each band, the runs of x no claim spans.
        var ys = new SortedSet<int> { 0, Height };
        foreach (var c in claims)
        {
            ys.Add(c.Y0);
            ys.Add(c.Y1);
        }
        var spans = new List<(int X0, int X1)>();
        int ya = -1;
        foreach (int yb in ys)
        {
            if (ya >= 0 && yb > ya)
            {
                spans.Clear();
                foreach (var c in claims)
                    if (c.Y0 <= ya && c.Y1 >= yb) spans.Add((c.X0, c.X1));
                spans.Sort();
                int x = 0;
                foreach (var (s0, s1) in spans)
                {
                    if (s0 > x) FillRect(new RectF(x, ya, s0 - x, yb - ya), gutterColor);
                    x = Math.Max(x, s1);
                }
                if (x < Width) FillRect(new RectF(x, ya, Width - x, yb - ya), gutterColor);
            }
            ya = yb;
        }
        claims.Clear();
    }

    /// <summary>The pixels whose centres <paramref name="r"/> covers, clipped to the frame: [x0, x1) × [y0, y1).</summary>
    private (int X0, int Y0, int X1, int Y1) PixelBounds(RectF r) =>
        (Math.Clamp((int)MathF.Ceiling(r.X - 0.5f), 0, Width), Math.Clamp((int)MathF.Ceiling(r.Y - 0.5f), 0, Height),
         Math.Clamp((int)MathF.Ceiling(r.Right - 0.5f), 0, Width), Math.Clamp((int)MathF.Ceiling(r.Bottom - 0.5f), 0, Height));

    public void FillRect(RectF r, Color c)
    {
        if (c.A >= 1 && r.W * r.H >= ClearArea)
        {
            Clear(r, c);
            return;
        }
        Use(Shaders.Solid, PrimitiveType.Triangles, 0, c.A >= 1);
        Quad(r.X, r.Y, r.Right, r.Bottom, 0, 0, 0, 0, c);
    }

    /// <summary>Opaque rectangles of at least this many pixels are cleared rather than drawn.</summary>
    private const float ClearArea = 4096;

    /// <summary>
    /// An opaque rectangle as a scissored clear: a software renderer clears whole tiles at memory
    /// speed, where a drawn rectangle runs the shader for every pixel. The pixels are those whose
    /// centres the rectangle covers, as when it is drawn.
    /// </summary>
    private void Clear(RectF r, Color c)
    {
        Flush();
        var (x0, y0, x1, y1) = PixelBounds(r);
        if (x1 <= x0 || y1 <= y0) return;
        Gl.Enable(EnableCap.ScissorTest);
        Gl.Scissor(x0, Height - y1, (uint)(x1 - x0), (uint)(y1 - y0));
        Gl.ClearColor(c.R, c.G, c.B, 1);
        Gl.Clear(ClearBufferMask.ColorBufferBit);
        Gl.Disable(EnableCap.ScissorTest);
    }

    /// <summary>A one-pixel (or <paramref name="width"/>) outline inside the rectangle.</summary>
    public void StrokeRect(RectF r, Color c, float width = 1)
    {
        FillRect(new RectF(r.X, r.Y, r.W, width), c);
        FillRect(new RectF(r.X, r.Bottom - width, r.W, width), c);
        FillRect(new RectF(r.X, r.Y, width, r.H), c);
        FillRect(new RectF(r.Right - width, r.Y, width, r.H), c);
    }

    /// <summary>A polyline of <paramref name="width"/> pixels through (xs[i], ys[i]); NaN points break it.</summary>
    public void Polyline(ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, float width, Color c)
    {
        Use(Shaders.Solid, PrimitiveType.Triangles, 0);
        float h = width / 2;
        for (int i = 1; i < xs.Length; i++)
        {
            float x0 = xs[i - 1], y0 = ys[i - 1], x1 = xs[i], y1 = ys[i];
            if (!float.IsFinite(x0 + y0 + x1 + y1)) continue;
            float dx = x1 - x0, dy = y1 - y0, len = MathF.Sqrt(dx * dx + dy * dy);
            if (len < 1e-6f) continue;
            float nx = -dy / len * h, ny = dx / len * h;
            Reserve(6);
            Vertex(x0 + nx, y0 + ny, 0, 0, c);
            Vertex(x1 + nx, y1 + ny, 0, 0, c);
            Vertex(x1 - nx, y1 - ny, 0, 0, c);
            Vertex(x0 + nx, y0 + ny, 0, 0, c);
            Vertex(x1 - nx, y1 - ny, 0, 0, c);
            Vertex(x0 - nx, y0 - ny, 0, 0, c);
        }
    }

    /// <summary>Round points of <paramref name="size"/> pixels at (xy[2i], xy[2i+1]) in pixels.</summary>
    public void Points(ReadOnlySpan<float> xy, float size, Color c)
    {
        if (pointSize != size)
        {
            Flush();
            pointSize = size;
        }
        Use(Shaders.RoundPoint, PrimitiveType.Points, 0);
        int n = xy.Length / 2;
        Reserve(n);
        fixed (float* src = xy)
        fixed (float* dst0 = vertices)
        {
            float* d = dst0 + count * Stride;
            for (int i = 0; i < n; i++, d += Stride)
            {
                d[0] = src[2 * i];
                d[1] = src[2 * i + 1];
                d[2] = 0;
                d[3] = 0;
                d[4] = c.R;
                d[5] = c.G;
                d[6] = c.B;
                d[7] = c.A;
            }
        }
        count += n;
    }

    /// <summary>The texture's region <paramref name="uv"/> (0–1 coordinates) drawn into <paramref name="dst"/>; float values map from [lo, hi] to [0, 1].</summary>
    public void Image(Texture tex, RectF dst, RectF uv, float lo = -1, float hi = 1, Color? tint = null)
    {
        if (this.lo != lo || this.hi != hi)
        {
            Flush();
            this.lo = lo;
            this.hi = hi;
        }
        var c = tint ?? Color.White;
        Use(Shaders.FloatImage, PrimitiveType.Triangles, tex.Id, c.A >= 1);
        Quad(dst.X, dst.Y, dst.Right, dst.Bottom, uv.X, uv.Y, uv.Right, uv.Bottom, c);
    }

    /// <summary>An 8-bit RGBA texture drawn into <paramref name="dst"/> as it is.</summary>
    public void RgbaImage(Texture tex, RectF dst) => RgbaImage(tex, dst, new RectF(0, 0, 1, 1));

    /// <summary>
    /// The region <paramref name="uv"/> (0–1 coordinates) of an 8-bit texture (RGBA, or one channel
    /// shown grey) drawn into <paramref name="dst"/> as it is; <paramref name="opaque"/>: its alpha is
    /// 1 everywhere, so it replaces what is under it without blending.
    /// </summary>
    public void RgbaImage(Texture tex, RectF dst, RectF uv, bool opaque = false)
    {
        Use(Shaders.RgbaImage, PrimitiveType.Triangles, tex.Id, opaque);
        Quad(dst.X, dst.Y, dst.Right, dst.Bottom, uv.X, uv.Y, uv.Right, uv.Bottom, Color.White);
    }

    /// <summary>A point buffer for <see cref="PointCloud"/>: its own VAO and VBO, kept between frames.</summary>
    public PointBuffer CreatePointBuffer() => new(Gl);

    /// <summary>
    /// The points of <paramref name="points"/> (data units) as squares of <paramref name="size"/>
    /// pixels, mapped so that [<paramref name="lo"/>, <paramref name="hi"/>]² fills <paramref name="view"/>
    /// (y up) and clipped to it. One draw call from the buffer as it stands on the GPU: the points
    /// travel once, when they change (<see cref="PointBuffer.Update"/>), not every frame.
    /// </summary>
    public void PointCloud(PointBuffer points, RectF view, float lo, float hi, float size, Color c)
    {
        if (points.Count == 0 || view.W <= 0 || view.H <= 0) return;
        Flush();
        var (x0, y0, x1, y1) = PixelBounds(view);
        Gl.Enable(EnableCap.ScissorTest);
        Gl.Scissor(x0, Height - y1, (uint)(x1 - x0), (uint)(y1 - y0));
        if (!blending)
        {
            Gl.Enable(EnableCap.Blend);
            blending = true;
        }
        Gl.UseProgram(pointProgram);
        Gl.Uniform2(uPointFrame, (float)Width, Height);
        // pixel = (view.X + (x − lo)·sx, view.Y + (hi − y)·sy): as uView (sx, ox, sy, oy) with pixel = (x·sx + ox, y·sy + oy).
        float sx = view.W / (hi - lo), sy = -view.H / (hi - lo);
        Gl.Uniform4(uPointView, sx, view.X - lo * sx, sy, view.Y - hi * sy);
        Gl.Uniform4(uPointColor, c.R, c.G, c.B, c.A);
        Gl.Uniform1(uPointPixel, size);
        points.Draw();
        DrawCalls++;
        Gl.Disable(EnableCap.ScissorTest);
        Gl.BindVertexArray(vao);
        Gl.BindBuffer(BufferTargetARB.ArrayBuffer, vbo);
        mode = -1;
    }

    public void Image(Texture tex, RectF dst, float lo = -1, float hi = 1, Color? tint = null) => Image(tex, dst, new RectF(0, 0, 1, 1), lo, hi, tint);

    /// <summary>Text with its top-left at (x, y); returns the width drawn.</summary>
    public float Text(string text, float x, float y, Color c, float scale = 1) => Font.Draw(this, text, x, y, c, scale);

    internal void Glyph(float x0, float y0, float x1, float y1, float u0, float v0, float u1, float v1, uint atlas, Color c)
    {
        Use(Shaders.Coverage, PrimitiveType.Triangles, atlas);
        Quad(x0, y0, x1, y1, u0, v0, u1, v1, c);
    }

    internal void Flush()
    {
        if (count == 0) return;
        Gl.BindBuffer(BufferTargetARB.ArrayBuffer, vbo);
        fixed (float* p = vertices) Gl.BufferData(BufferTargetARB.ArrayBuffer, (nuint)(count * Stride * 4), p, BufferUsageARB.StreamDraw);
        Gl.UseProgram(programs[mode]);
        Gl.Uniform2(uSize[mode], (float)Width, Height);
        Gl.Uniform2(uRange[mode], lo, hi);
        Gl.Uniform1(uPointSize[mode], pointSize);
        if (blending == opaque)
        {
            // Opaque batches (filled panels, images) skip blending: a software renderer then writes
            // pixels without reading the framebuffer back.
            if (opaque) Gl.Disable(EnableCap.Blend);
            else Gl.Enable(EnableCap.Blend);
            blending = !opaque;
        }
        if (texture != 0)
        {
            Gl.ActiveTexture(TextureUnit.Texture0);
            Gl.BindTexture(TextureTarget.Texture2D, texture);
        }
        Gl.DrawArrays(primitive, 0, (uint)count);
        DrawCalls++;
        count = 0;
    }

    /// <summary>Starts a new batch unless the current one draws the same way; <paramref name="isOpaque"/>: every pixel drawn replaces what was there.</summary>
    private void Use(int newMode, PrimitiveType newPrimitive, uint newTexture, bool isOpaque = false)
    {
        if (newMode == mode && newPrimitive == primitive && newTexture == texture && isOpaque == opaque) return;
        Flush();
        mode = newMode;
        primitive = newPrimitive;
        texture = newTexture;
        opaque = isOpaque;
    }

    private void Quad(float x0, float y0, float x1, float y1, float u0, float v0, float u1, float v1, Color c)
    {
        Reserve(6);
        Vertex(x0, y0, u0, v0, c);
        Vertex(x1, y0, u1, v0, c);
        Vertex(x1, y1, u1, v1, c);
        Vertex(x0, y0, u0, v0, c);
        Vertex(x1, y1, u1, v1, c);
        Vertex(x0, y1, u0, v1, c);
    }

    private void Reserve(int n)
    {
        int need = (count + n) * Stride;
        if (need > vertices.Length) Array.Resize(ref vertices, Math.Max(need, vertices.Length * 2));
    }

    private void Vertex(float x, float y, float u, float v, Color c)
    {
        int i = count * Stride;
        var d = vertices;
        d[i] = x;
        d[i + 1] = y;
        d[i + 2] = u;
        d[i + 3] = v;
        d[i + 4] = c.R;
        d[i + 5] = c.G;
        d[i + 6] = c.B;
        d[i + 7] = c.A;
        count++;
    }

    public void Dispose()
    {
        Font.Dispose();
        Gl.DeleteBuffer(vbo);
        Gl.DeleteVertexArray(vao);
        foreach (uint p in programs) Gl.DeleteProgram(p);
        Gl.DeleteProgram(pointProgram);
    }
}
