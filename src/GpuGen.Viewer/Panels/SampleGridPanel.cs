using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>A grid of images [n, C, H, W] (samples denoising live, GAN or VAE samples), aspect kept.</summary>
public sealed class SampleGridPanel : Panel
{
    private readonly ImageTiles tiles = new();

    /// <summary>Value shown black (default −1: data scaled to [−1, 1]).</summary>
    public float Low { get; set; } = -1;

    /// <summary>Value shown white.</summary>
    public float High { get; set; } = 1;

    /// <summary>Where image i was drawn in the last frame (pixels, top-left origin).</summary>
    public IReadOnlyList<RectF> Tiles => tiles.Tiles;

    public int Count => tiles.Count;

    /// <summary>Replaces the images (copied; call on the render thread).</summary>
    public void Update(ReadOnlySpan<float> nchw, int n, int channels, int height, int width, int columns = 0) =>
        tiles.Set(nchw, n, channels, height, width, columns);

    protected override void DrawContent(Renderer r, RectF area) => tiles.Draw(r, area, Low, High);

    public override void Dispose()
    {
        tiles.Dispose();
        base.Dispose();
    }
}
