namespace GpuGen.Tests.Cli;

/// <summary>
/// A tiny labelled image set the CLI tests train on: 8×8 images of class 0 (a bright row) or 1 (a
/// bright column) at a random place, over faint noise, written as MNIST-style IDX files.
/// </summary>
internal static class BarsIdx
{
    /// <summary>
    /// Writes DIR/{prefix}-images-idx3-ubyte and -labels-idx1-ubyte: image i has class i mod 2, its bar
    /// at one of the first <paramref name="places"/> rows or columns, the other pixels in [0, <paramref name="noise"/>).
    /// </summary>
    public static void Write(string dir, string prefix, int count, int seed, int places = 8, int noise = 40)
    {
        var rng = new System.Random(seed);
        var pixels = new byte[count * 64];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 2);
            int at = rng.Next(0, places);
            for (int k = 0; k < 64; k++)
                pixels[i * 64 + k] = (labels[i] == 0 ? k / 8 == at : k % 8 == at) ? (byte)255 : (byte)rng.Next(0, noise);
        }
        Directory.CreateDirectory(dir);
        GpuGen.Data.Idx.WriteImages(Path.Combine(dir, $"{prefix}-images-idx3-ubyte"), pixels, count, 8, 8);
        GpuGen.Data.Idx.WriteLabels(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), labels);
    }
}
