using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Models.Gan;

/// <summary>The pictures of the GAN family: a grid of images (a cGAN's classes as columns), or points over data for 2-D toys.</summary>
public static class GanPictures
{
    /// <summary>GAN samples: a grid of images (a cGAN's classes as columns) or points over data for the 2-D toys.</summary>
    public static Image Samples(Gan run, float[] samples, int n, string title)
    {
        var c = run.Config;
        if (c.IsMlp) return ToyPictures.SamplesOverData(Data.ToyData.Sample(c.Data, n, 12345), samples, title);
        return Grid.FromFloats(samples, n, 1, c.Height, c.Width, cols: c.Classes > 0 ? Math.Min(c.Classes, n) : 0, scale: Grid.ScaleFor(c.Height));
    }
}
