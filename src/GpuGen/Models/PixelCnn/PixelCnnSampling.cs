using GpuGen.Tensors;

namespace GpuGen.Models.PixelCnn;

/// <summary>
/// One raster-order sampling run of a <see cref="PixelCnn"/>, one pixel (of every image) per
/// <see cref="Step"/>: what <see cref="PixelCnnSampler.Sample"/> loops over, and what the viewer
/// steps so it can show the grid filling in pixel by pixel.
/// </summary>
public sealed class PixelCnnSampling : IDisposable
{
    private readonly PixelCnnSampler sampler;
    private readonly ulong seed;
    private readonly Tensor? labelTensor;
    private readonly byte[] images;
    private readonly float[] x;
    private readonly float[] logits;

    internal PixelCnnSampling(PixelCnnSampler sampler, PixelCnnConfig config, int n, ulong seed, int[]? labels, Tensor? labelTensor)
    {
        this.sampler = sampler;
        this.seed = seed;
        this.labelTensor = labelTensor;
        N = n;
        Height = config.Height;
        Width = config.Width;
        Labels = labels;
        images = new byte[n * Height * Width];
        x = new float[images.Length];
        logits = new float[n * PixelCnnConfig.Levels];
    }

    public int N { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>The class of each image (null: unconditional).</summary>
    public IReadOnlyList<int>? Labels { get; }

    /// <summary>Pixels drawn so far in each image; the next one is (Index / W, Index mod W).</summary>
    public int Index { get; private set; }

    public int PixelCount => Height * Width;

    public bool Done => Index >= PixelCount;

    /// <summary>The images [n, H, W] as bytes: pixels at raster positions ≥ <see cref="Index"/> are still 0.</summary>
    public ReadOnlySpan<byte> Images => images;

    /// <summary>Draws the next pixel of every image.</summary>
    public void Step()
    {
        if (Done) throw new InvalidOperationException($"all {PixelCount} pixels are drawn");
        sampler.DrawPixel(x, images, N, Index / Width, Index % Width, seed, labelTensor, logits);
        Index++;
    }

    public void Dispose() => labelTensor?.Dispose();
}
