using GpuGen.IO;
using GpuGen.Training;

namespace GpuGen.Tests.Cli;

/// <summary>
/// Opens what a command wrote and checks its content, not only that a file of that name exists:
/// a PNG decodes to the expected size and is not blank, an .npy has the expected shape and finite
/// values, a checkpoint opens and holds the expected family and step.
/// </summary>
internal static class RunFiles
{
    /// <summary>Decodes a PNG; checks its size when given, and that it holds more than one colour.</summary>
    public static Image Png(string path, int? width = null, int? height = null)
    {
        Assert.True(File.Exists(path), $"missing {path}");
        var image = Image.Load(path);
        if (width is not null) Assert.True(image.Width == width, $"{path}: width {image.Width}, expected {width}");
        if (height is not null) Assert.True(image.Height == height, $"{path}: height {image.Height}, expected {height}");
        Assert.True(Colours(image) >= 2, $"{path} ({image.Width}×{image.Height}) is blank: one colour");
        return image;
    }

    /// <summary>Distinct pixel values (up to 3 channels) of an image.</summary>
    public static int Colours(Image image)
    {
        var seen = new HashSet<int>();
        int c = image.Channels;
        for (int i = 0; i < image.Width * image.Height; i++)
        {
            int k = i * c;
            seen.Add(image.Pixels[k] | (c > 1 ? image.Pixels[k + 1] << 8 : 0) | (c > 2 ? image.Pixels[k + 2] << 16 : 0));
        }
        return seen.Count;
    }

    /// <summary>A float32 .npy of exactly this shape, every value finite.</summary>
    public static float[] Npy(string path, params int[] shape)
    {
        Assert.True(File.Exists(path), $"missing {path}");
        var values = GpuGen.IO.Npy.ReadFloat32(path, out var actual);
        Assert.True(actual.SequenceEqual(shape), $"{path}: shape ({string.Join(", ", actual)}), expected ({string.Join(", ", shape)})");
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        Assert.True(bad < 0, $"{path}: value {(bad < 0 ? 0 : values[bad])} at {bad} is not finite");
        return values;
    }

    /// <summary>A checkpoint that opens with <see cref="Checkpoint.Open"/> and holds this family at this step (any step when null).</summary>
    public static CheckpointFile Checkpoint(string path, string family, long? step)
    {
        var checkpoint = GpuGen.Training.Checkpoint.Open(path, expectedFamily: null);
        Assert.True(checkpoint.Family == family, $"{path}: family '{checkpoint.Family}', expected '{family}'");
        if (step is not null) Assert.True(checkpoint.Step == step, $"{path}: step {checkpoint.Step}, expected {step}");
        Assert.True(checkpoint.File.Tensors.Count > 0, $"{path} holds no tensors");
        return checkpoint;
    }
}
