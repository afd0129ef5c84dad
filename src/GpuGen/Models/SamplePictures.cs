namespace GpuGen.Models;

/// <summary>The pictures a <see cref="SampleRequest"/> may ask for, named as `gpugen sample` names their options.</summary>
public static class SamplePictures
{
    /// <summary>The samples: a grid of images, or a scatter over the data for 2-D models.</summary>
    public const string Grid = "grid";

    /// <summary>Diffusion: the reverse chain from x_T to x_0; PixelCNN: the raster fill.</summary>
    public const string Chain = "chain";

    /// <summary>VAEs: held-out images above their reconstructions.</summary>
    public const string Recon = "recon";

    /// <summary>VAEs: a walk through a 2-D latent space, or interpolations between held-out images.</summary>
    public const string Walk = "walk";

    /// <summary>All of them, in the order files are reported.</summary>
    public static IReadOnlyList<string> All { get; } = [Grid, Chain, Recon, Walk];
}
