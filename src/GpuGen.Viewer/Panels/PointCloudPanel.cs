using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>
/// A 2-D point cloud (e.g. 20,000 samples flowing from the Gaussian to the data) over a faint
/// picture of the data (a density histogram of data points). The view keeps a 1:1 aspect ratio.
/// On a GPU the points live in a vertex buffer (<see cref="PointBuffer"/>) overwritten in place
/// when new ones come and drawn as square GL points in one call, mapped from data units by the
/// shader, over the data picture, a texture uploaded when the view's size changes: a frame that
/// brings no new points uploads nothing. A software renderer (<see cref="Renderer.IsSoftware"/>)
/// sets up every GL point as a primitive of its own (Mesa llvmpipe: 8.6 ms CPU a frame offscreen
/// and 19 ms in a window for 20,000 points, bench/RESULTS.md), so there the points are splatted on
/// the CPU over a copy of the data picture (a few hundred microseconds) and the view goes up as
/// one texture when they changed. GPUGEN_VIEW_POINTS=vbo or splat picks a path for benchmarks.
/// </summary>
public sealed class PointCloudPanel : Panel
{
    private const int DensityBins = 128;
    private float[] points = [];
    private float[]? density;
    private Texture? texture;
    private PointBuffer? buffer;
    private byte[] background = [];
    private byte[] pixels = [];
    private int size;
    private bool backgroundDirty = true, pointsDirty;

    /// <summary>The square data region shown: [min, max] on both axes.</summary>
    public (float Min, float Max) Bounds { get; set; } = (-4, 4);

    /// <summary>Side of each point's square, in pixels.</summary>
    public int PointSize { get; set; } = 2;

    public Color PointColor { get; set; } = Color.LightBlue.WithAlpha(0.55f);

    public Color DataColor { get; set; } = Color.Orange.WithAlpha(0.45f);

    public int Count => points.Length / 2;

    /// <summary>Where the view was drawn in the last frame.</summary>
    public RectF View { get; private set; }

    /// <summary>Bytes of points and picture sent to the GPU so far (only what changed travels).</summary>
    public long BytesUploaded => (buffer?.BytesUploaded ?? 0) + (texture?.BytesUploaded ?? 0);

    /// <summary>Replaces the points, (x, y) pairs in data units (copied; they go to the GPU at the next draw).</summary>
    public void Update(ReadOnlySpan<float> xy)
    {
        if (xy.Length % 2 != 0) throw new ArgumentException($"points are (x, y) pairs: got {xy.Length} floats");
        if (points.Length != xy.Length) points = new float[xy.Length];
        xy.CopyTo(points);
        pointsDirty = true;
    }

    /// <summary>Sets the faint data picture from samples of the data distribution ((x, y) pairs).</summary>
    public void SetData(ReadOnlySpan<float> xy)
    {
        var (lo, hi) = Bounds;
        var h = new float[DensityBins * DensityBins];
        for (int i = 0; i + 1 < xy.Length; i += 2)
        {
            int bx = (int)MathF.Floor((xy[i] - lo) / (hi - lo) * DensityBins), by = (int)MathF.Floor((hi - xy[i + 1]) / (hi - lo) * DensityBins);
            if ((uint)bx < DensityBins && (uint)by < DensityBins) h[by * DensityBins + bx]++;
        }
        float max = h.Max();
        for (int i = 0; i < h.Length; i++) h[i] = max > 0 ? MathF.Sqrt(h[i] / max) : 0;
        density = h;
        backgroundDirty = true;
    }

    protected override void DrawContent(Renderer r, RectF area)
    {
        var view = area.Fit(1, 1, wholeScale: false);
        View = view;
        int s = (int)view.W;
        if (s < 2) return;
        texture ??= r.CreateTexture();
        bool splat = UseSplat(r);
        if (s != size || backgroundDirty)
        {
            size = s;
            background = new byte[s * s * 4];
            pixels = new byte[s * s * 4];
            PaintBackground();
            if (!splat) texture.Upload(background, s, s, 4);
            pointsDirty = true;
        }
        if (splat)
        {
            if (pointsDirty)
            {
                Buffer.BlockCopy(background, 0, pixels, 0, background.Length);
                Splat();
                texture.Upload(pixels, s, s, 4);
                pointsDirty = false;
            }
            r.RgbaImage(texture, view, new RectF(0, 0, 1, 1), opaque: true); // every pixel has alpha 255
            r.StrokeRect(view, Color.Grid);
            return;
        }
        r.RgbaImage(texture, view, new RectF(0, 0, 1, 1), opaque: true);
        buffer ??= r.CreatePointBuffer();
        if (pointsDirty || buffer.Count * 2 != points.Length)
        {
            buffer.Update(points);
            pointsDirty = false;
        }
        var (lo, hi) = Bounds;
        r.PointCloud(buffer, view, lo, hi, PointSize, PointColor);
        r.StrokeRect(view, Color.Grid);
    }

    /// <summary>The panel colour under the data picture, blended per pixel from the density histogram.</summary>
    private void PaintBackground()
    {
        var under = Color.FromBytes(20, 22, 26);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                float d = density is null ? 0 : density[y * DensityBins / size * DensityBins + x * DensityBins / size] * DataColor.A;
                int i = (y * size + x) * 4;
                background[i] = ToByte(under.R + (DataColor.R - under.R) * d);
                background[i + 1] = ToByte(under.G + (DataColor.G - under.G) * d);
                background[i + 2] = ToByte(under.B + (DataColor.B - under.B) * d);
                background[i + 3] = 255;
            }
        backgroundDirty = false;
    }

    /// <summary>True: splat the points on the CPU; false: draw them from the vertex buffer; null (default): splat on a software renderer only.</summary>
    public bool? SplatOnCpu { get; set; }

    /// <summary>Whether the points are splatted on the CPU (<see cref="SplatOnCpu"/>, GPUGEN_VIEW_POINTS=splat|vbo, else a software renderer).</summary>
    private bool UseSplat(Renderer r) => SplatOnCpu ?? PathOverride switch
    {
        "splat" => true,
        "vbo" => false,
        _ => r.IsSoftware,
    };

    private static readonly string? PathOverride = Environment.GetEnvironmentVariable("GPUGEN_VIEW_POINTS");

    /// <summary>The points as squares of <see cref="PointSize"/> pixels, blended into <see cref="pixels"/>.</summary>
    private void Splat()
    {
        var (lo, hi) = Bounds;
        float scale = size / (hi - lo), a = PointColor.A;
        int pr = (int)(PointColor.R * 255 + 0.5f), pg = (int)(PointColor.G * 255 + 0.5f), pb = (int)(PointColor.B * 255 + 0.5f);
        int k = PointSize, half = k / 2;
        int ai = (int)(a * 256 + 0.5f);
        var p = pixels;
        for (int i = 0; i + 1 < points.Length; i += 2)
        {
            int cx = (int)MathF.Floor((points[i] - lo) * scale) - half, cy = (int)MathF.Floor((hi - points[i + 1]) * scale) - half;
            for (int dy = 0; dy < k; dy++)
            {
                int y = cy + dy;
                if ((uint)y >= (uint)size) continue;
                for (int dx = 0; dx < k; dx++)
                {
                    int x = cx + dx;
                    if ((uint)x >= (uint)size) continue;
                    int j = (y * size + x) * 4;
                    p[j] = (byte)(p[j] + ((pr - p[j]) * ai >> 8));
                    p[j + 1] = (byte)(p[j + 1] + ((pg - p[j + 1]) * ai >> 8));
                    p[j + 2] = (byte)(p[j + 2] + ((pb - p[j + 2]) * ai >> 8));
                }
            }
        }
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)(v * 255 + 0.5f), 0, 255);

    public override void Dispose()
    {
        texture?.Dispose();
        buffer?.Dispose();
        base.Dispose();
    }
}
