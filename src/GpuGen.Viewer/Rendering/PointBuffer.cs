using Silk.NET.OpenGL;

namespace GpuGen.Viewer.Rendering;

/// <summary>
/// Points (x, y pairs in data units) kept on the GPU in a vertex buffer of their own, drawn by
/// <see cref="Renderer.PointCloud"/>. <see cref="Update"/> overwrites the buffer in place
/// (glBufferSubData; storage is reallocated only when the count grows), so a frame that shows the
/// same points again uploads nothing, and a new sampler state uploads 8 bytes a point once.
/// </summary>
public sealed unsafe class PointBuffer : IDisposable
{
    private readonly GL gl;
    private uint vao, vbo;
    private int capacity;

    internal PointBuffer(GL gl)
    {
        this.gl = gl;
        vao = gl.GenVertexArray();
        vbo = gl.GenBuffer();
        gl.BindVertexArray(vao);
        gl.BindBuffer(BufferTargetARB.ArrayBuffer, vbo);
        gl.EnableVertexAttribArray(0);
        gl.VertexAttribPointer(0, 2, VertexAttribPointerType.Float, false, 8, (void*)0);
        gl.Check("point buffer setup");
    }

    /// <summary>Points in the buffer.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes sent to the GPU since the buffer was made.</summary>
    public long BytesUploaded { get; private set; }

    /// <summary>Replaces the points with <paramref name="xy"/> ((x, y) pairs).</summary>
    public void Update(ReadOnlySpan<float> xy)
    {
        if (xy.Length % 2 != 0) throw new ArgumentException($"points are (x, y) pairs: got {xy.Length} floats");
        int n = xy.Length / 2;
        gl.BindBuffer(BufferTargetARB.ArrayBuffer, vbo);
        fixed (float* p = xy)
        {
            if (n > capacity)
            {
                gl.BufferData(BufferTargetARB.ArrayBuffer, (nuint)(n * 8), p, BufferUsageARB.DynamicDraw);
                capacity = n;
            }
            else if (n > 0)
            {
                gl.BufferSubData(BufferTargetARB.ArrayBuffer, 0, (nuint)(n * 8), p);
            }
        }
        gl.Check("point buffer update");
        Count = n;
        BytesUploaded += n * 8L;
    }

    internal void Draw()
    {
        gl.BindVertexArray(vao);
        gl.DrawArrays(PrimitiveType.Points, 0, (uint)Count);
    }

    public void Dispose()
    {
        if (vbo != 0) gl.DeleteBuffer(vbo);
        if (vao != 0) gl.DeleteVertexArray(vao);
        vbo = vao = 0;
    }
}
