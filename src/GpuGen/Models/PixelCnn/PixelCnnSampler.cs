using GpuGen.Autograd;
using GpuGen.Random;
using GpuGen.Tensors;

namespace GpuGen.Models.PixelCnn;

/// <summary>
/// Raster-order sampling from a <see cref="PixelCnn"/>: pixel (r, j) of every image is drawn from the
/// softmax of its logits given the pixels already drawn. The logits of (r, j) depend only on input rows
/// r − R … r and columns j − R … j + R (R = 3 for the 7×7 mask A + 1 per mask-B layer), and features
/// wrong because of a window's zero padding spread at most R rows down and R columns in from its edges;
/// so the network runs on that window alone (at most (R+1)×(2R+1) pixels instead of H×W) and the head on
/// the one pixel — the same logits, about 5× less work on 28×28. Draws are reproducible: the uniform of
/// pixel p of image i is Philox(seed, stream i, element p), whatever the batch.
/// </summary>
public sealed class PixelCnnSampler
{
    private readonly PixelCnn run;

    public PixelCnnSampler(PixelCnn run) => this.run = run;

    /// <summary>Called after each pixel with its index (r·W + j) and every image so far, [n, H, W] bytes.</summary>
    public delegate void PixelObserver(int pixel, ReadOnlySpan<byte> images);

    /// <summary>False runs the whole image for every pixel (the plain reference the window is tested against).</summary>
    public bool Window { get; init; } = true;

    /// <summary>
    /// Draws n images [n, H, W] of bytes. A conditional model takes one label per image (empty: image i
    /// gets class i mod classes).
    /// </summary>
    public byte[] Sample(int n, ulong seed, ReadOnlySpan<int> labels = default, PixelObserver? observer = null)
    {
        using var sampling = Start(n, seed, labels);
        while (!sampling.Done)
        {
            sampling.Step();
            observer?.Invoke(sampling.Index - 1, sampling.Images);
        }
        return sampling.Images.ToArray();
    }

    /// <summary>
    /// Begins a raster-order run that draws one pixel per <see cref="PixelCnnSampling.Step"/> (the viewer
    /// shows every step); stepping it to the end gives exactly what <see cref="Sample"/> returns.
    /// </summary>
    public PixelCnnSampling Start(int n, ulong seed, ReadOnlySpan<int> labels = default)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), $"number of samples must be positive, got {n}");
        var c = run.Config;
        int[]? all = run.Conditional ? (labels.IsEmpty ? Enumerable.Range(0, n).Select(i => i % c.Classes).ToArray() : labels.ToArray()) : null;
        return new PixelCnnSampling(this, c, n, seed, all, run.LabelTensor(all, n));
    }

    /// <summary>Draws pixel (r, j) of every image of x (values v/255) into images, from the logits given the pixels before it.</summary>
    internal void DrawPixel(float[] x, byte[] images, int n, int r, int j, ulong seed, Tensor? labels, float[] logits)
    {
        var c = run.Config;
        int h = c.Height, w = c.Width, reach = c.Reach;
        int r0 = Window ? Math.Max(0, r - reach) : 0, r1 = Window ? r : h - 1;
        int c0 = Window ? Math.Max(0, j - reach) : 0, c1 = Window ? Math.Min(w - 1, j + reach) : w - 1;
        Logits(x, n, r0, r1, c0, c1, r, j, labels, logits);
        int pixel = r * w + j;
        for (int i = 0; i < n; i++)
        {
            float u = Philox.Uniform(Philox.Bits(seed, (ulong)i, (ulong)pixel));
            int v = Draw(logits.AsSpan(i * PixelCnnConfig.Levels, PixelCnnConfig.Levels), u);
            images[i * h * w + pixel] = (byte)v;
            x[i * h * w + pixel] = v / 255f;
        }
    }

    /// <summary>The logits [n, 256] of pixel (r, j), running the network on rows r0…r1 and columns c0…c1 of x.</summary>
    internal void Logits(float[] x, int n, int r0, int r1, int c0, int c1, int r, int j, Tensor? labels, float[] result)
    {
        var c = run.Config;
        int hc = r1 - r0 + 1, wc = c1 - c0 + 1;
        var crop = new float[n * hc * wc];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < hc; y++)
                Array.Copy(x, (i * c.Height + r0 + y) * c.Width + c0, crop, (i * hc + y) * wc, wc);
        using var scope = run.Device.NoGrad();
        var input = Tensor.FromArray(run.Device, crop, n, 1, hc, wc);
        var body = run.Net.Body(input, labels);
        var at = Ops.Narrow(Ops.Narrow(body, 2, r - r0, 1), 3, j - c0, 1);
        run.Net.Head(at, labels).ToArray().CopyTo(result, 0);
    }

    /// <summary>Inverse-CDF draw of a level from softmax(logits) with a uniform u ∈ (0, 1), in float64.</summary>
    internal static int Draw(ReadOnlySpan<float> logits, float u)
    {
        float max = float.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        double total = 0;
        foreach (float l in logits) total += Math.Exp(l - max);
        double target = u * total, acc = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            acc += Math.Exp(logits[k] - max);
            if (acc >= target) return k;
        }
        return logits.Length - 1;
    }
}
