using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Pictures;
using GpuGen.Tensors;

namespace GpuGen.Models.Vae;

/// <summary>The pictures of the VAE family: sample grids, reconstructions, interpolations and 2-D latent walks.</summary>
public static class VaePictures
{
    /// <summary>
    /// n samples as a grid: for a CVAE without a fixed class, one row per class (sample i has class i / cols).
    /// </summary>
    public static Image SampleGrid(Vae run, int n, int? cls, ulong seed, float temperature, out float[] samples)
    {
        var c = run.Config;
        int[]? labels = null;
        int cols = 0;
        if (c.Conditional)
        {
            if (cls is int k) labels = Enumerable.Repeat(k, n).ToArray();
            else
            {
                cols = (n + c.Classes - 1) / c.Classes;
                labels = Enumerable.Range(0, n).Select(i => i / cols).ToArray();
            }
        }
        samples = run.Sample(n, labels, seed, temperature);
        return Grid.FromFloats(samples, n, c.Channels, c.Height, c.Width, PixelRange.ZeroToOne, cols: cols, scale: Grid.ScaleFor(c.Height));
    }

    /// <summary><paramref name="m"/> held-out images (v/255, spread over the split) in rows of 8, each row above its reconstructions.</summary>
    public static Image Reconstructions(Vae run, Dataset test, int m)
    {
        var c = run.Config;
        m = Math.Min(m, test.Count);
        var indices = Enumerable.Range(0, m).Select(i => (int)((long)i * test.Count / m)).ToArray();
        var x = Gather(test, indices);
        var labels = c.Conditional ? indices.Select(i => test.Labels[i]).ToArray() : null;
        var recon = run.Reconstruct(x, labels);
        const int cols = 8;
        var tiles = new List<float>();
        for (int row = 0; row < m; row += cols)
        {
            int w = Math.Min(cols, m - row);
            tiles.AddRange(x.AsSpan(row * c.Dim, w * c.Dim).ToArray());
            tiles.AddRange(new float[(cols - w) * c.Dim]);
            tiles.AddRange(recon.AsSpan(row * c.Dim, w * c.Dim).ToArray());
            tiles.AddRange(new float[(cols - w) * c.Dim]);
        }
        return Grid.FromFloats(tiles.ToArray(), tiles.Count / c.Dim, c.Channels, c.Height, c.Width, PixelRange.ZeroToOne, cols: cols, scale: Grid.ScaleFor(c.Height));
    }

    /// <summary>
    /// <paramref name="rows"/> rows: a held-out image, the decoded linear interpolation of its posterior mean
    /// to another's in <paramref name="steps"/> steps, then the other image (a CVAE pairs images of one class).
    /// </summary>
    public static Image Interpolations(Vae run, Dataset test, int rows, int steps)
    {
        var c = run.Config;
        int l = c.Latent, d = c.Dim, cols = steps + 2;
        var tiles = new float[rows * cols * d];
        for (int row = 0; row < rows; row++)
        {
            int a = (int)((long)row * test.Count / rows), b = Partner(test, a, c.Conditional);
            var x = Gather(test, [a, b]);
            var z = run.EncodeMeans(x);
            var zs = new float[steps * l];
            for (int s = 0; s < steps; s++)
            {
                float t = steps == 1 ? 0.5f : (float)s / (steps - 1);
                for (int j = 0; j < l; j++) zs[s * l + j] = (1 - t) * z[j] + t * z[l + j];
            }
            var labels = c.Conditional ? Enumerable.Repeat(test.Labels[a], steps).ToArray() : null;
            var decoded = run.Decode(zs, labels);
            var dst = tiles.AsSpan(row * cols * d);
            x.AsSpan(0, d).CopyTo(dst);
            decoded.CopyTo(dst[d..]);
            x.AsSpan(d, d).CopyTo(dst[((cols - 1) * d)..]);
        }
        return Grid.FromFloats(tiles, rows * cols, c.Channels, c.Height, c.Width, PixelRange.ZeroToOne, cols: cols, scale: Grid.ScaleFor(c.Height));
    }

    /// <summary>A 2-D latent space decoded on a 15×15 grid over [−2.5, 2.5]² around the prior mean (of class <paramref name="cls"/> for a CVAE).</summary>
    public static Image Walk2D(Vae run, int cls)
    {
        var c = run.Config;
        const int g = 15;
        float cx = 0, cy = 0;
        int[]? labels = null;
        if (c.Conditional)
        {
            using (var scope = run.Device.NoGrad())
            {
                var mean = run.Network.PriorMeansOf(Tensor.FromInts(run.Device, [cls], 1)).ToArray();
                (cx, cy) = (mean[0], mean[1]);
            }
            labels = Enumerable.Repeat(cls, g * g).ToArray();
        }
        var z = new float[g * g * 2];
        for (int i = 0; i < g; i++)
            for (int j = 0; j < g; j++)
            {
                z[(i * g + j) * 2] = cx - 2.5f + 5f * j / (g - 1);
                z[(i * g + j) * 2 + 1] = cy + 2.5f - 5f * i / (g - 1);
            }
        var images = run.Decode(z, labels);
        return Grid.FromFloats(images, g * g, c.Channels, c.Height, c.Width, PixelRange.ZeroToOne, cols: g, padding: 0, scale: 1);
    }

    /// <summary>Images at <paramref name="indices"/> as v/255 [n, D].</summary>
    private static float[] Gather(Dataset data, int[] indices)
    {
        int d = data.ExampleSize;
        var x = new float[indices.Length * d];
        for (int r = 0; r < indices.Length; r++)
        {
            var src = data.Example(indices[r]);
            for (int i = 0; i < d; i++) x[r * d + i] = src[i] / 255f;
        }
        return x;
    }

    /// <summary>Another image half the split away; for a CVAE the next one of the same class after that.</summary>
    private static int Partner(Dataset data, int a, bool sameClass)
    {
        int n = data.Count;
        for (int k = 0; k < n; k++)
        {
            int b = (a + n / 2 + k) % n;
            if (b != a && (!sameClass || data.Labels[b] == data.Labels[a])) return b;
        }
        return (a + 1) % n;
    }
}
