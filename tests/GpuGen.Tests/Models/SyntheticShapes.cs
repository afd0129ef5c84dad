using GpuGen.Data;

namespace GpuGen.Tests.Models;

/// <summary>
/// A tiny labelled image set that a classifier must learn: 28×28 grey images of four kinds of shape
/// (0 a horizontal bar, 1 a vertical bar, 2 a filled disc, 3 a diagonal line) at random places and
/// brightnesses over a noisy background, written as MNIST-style IDX files.
/// </summary>
internal static class SyntheticShapes
{
    public const int Classes = 4;
    public const int Side = 28;

    /// <summary>Writes train-* and t10k-* IDX files into <paramref name="dir"/>; returns "idx:DIR".</summary>
    public static string WriteIdx(string dir, int trainCount, int testCount, int seed)
    {
        Directory.CreateDirectory(dir);
        foreach (var (prefix, count, s) in new[] { ("train", trainCount, seed), ("t10k", testCount, seed + 1000) })
        {
            var (pixels, labels) = Generate(count, s);
            Idx.WriteImages(Path.Combine(dir, $"{prefix}-images-idx3-ubyte"), pixels, count, Side, Side);
            Idx.WriteLabels(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), labels);
        }
        return "idx:" + dir;
    }

    /// <summary>The images of one split as a dataset (labels cycle through the classes).</summary>
    public static Dataset Dataset(int count, int seed)
    {
        var (pixels, labels) = Generate(count, seed);
        return new Dataset(pixels, count, 1, Side, Side, Array.ConvertAll(labels, b => (int)b), name: $"shapes-{seed}");
    }

    public static (byte[] Pixels, byte[] Labels) Generate(int count, int seed)
    {
        var random = new System.Random(seed);
        var pixels = new byte[count * Side * Side];
        var labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % Classes;
            labels[n] = (byte)label;
            var image = pixels.AsSpan(n * Side * Side, Side * Side);
            for (int i = 0; i < image.Length; i++) image[i] = (byte)random.Next(0, 50);
            byte ink = (byte)random.Next(150, 256);
            int a = random.Next(5, Side - 5), b = random.Next(5, Side - 5), length = random.Next(12, 22);
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    bool on = label switch
                    {
                        0 => Math.Abs(y - a) <= 1 && Math.Abs(x - b) <= length / 2,
                        1 => Math.Abs(x - a) <= 1 && Math.Abs(y - b) <= length / 2,
                        2 => (x - a) * (x - a) + (y - b) * (y - b) <= 20,
                        _ => Math.Abs((x - a) - (y - b)) <= 1 && Math.Abs(x - a) <= length / 2,
                    };
                    if (on) image[y * Side + x] = ink;
                }
        }
        return (pixels, labels);
    }
}
