using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;

namespace GpuGen.Models.Views;

/// <summary>
/// What `gpugen view` shows of a model: which of the viewer's scenes, and what feeds it. A family
/// returns one from <see cref="GenerativeModel.View"/>; the viewer has a scene per kind of view, not
/// per family, so a new family that walks a latent space or inverts layers needs no viewer code.
/// </summary>
public abstract record LiveView
{
    /// <summary>What is shown, for the window's title: "pixelcnn on fashion-mnist, step 40".</summary>
    public required string Description { get; init; }

    /// <summary>The keys the window answers to, as one help line.</summary>
    public required string Keys { get; init; }

    /// <summary>Images (or points) shown at once.</summary>
    public required int Count { get; init; }
}

/// <summary>The reverse diffusion chain of an image model: the grid denoising from x_T to x₀, the strip, the ᾱ curve.</summary>
public sealed record ImageChainView(ImageDiffusion Model) : LiveView
{
    /// <summary>ddpm or ddim (d switches in the window).</summary>
    public string Sampler { get; init; } = "ddim";

    /// <summary>Sampling steps (0: the sampler's default).</summary>
    public int Steps { get; init; }

    public float Eta { get; init; }

    /// <summary>Every image of this class (−1: image i has class i mod classes).</summary>
    public int ClassIndex { get; init; } = -1;

    public float Guidance { get; init; } = 1;
}

/// <summary>The reverse chain of a 2-D model: a point cloud flowing from the Gaussian to the data, over a faint picture of the data.</summary>
public sealed record PointChainView(ToyDiffusion Model) : LiveView
{
    public string Sampler { get; init; } = "ddim";

    public int Steps { get; init; }

    public float Eta { get; init; }
}

/// <summary>An autoregressive model filling a grid pixel by pixel in raster order.</summary>
public sealed record RasterView(PixelCnn.PixelCnn Model) : LiveView
{
    public int ClassIndex { get; init; } = -1;
}

/// <summary>A decoder along walks through its latent space (a grid over two dims, walks, or a row per class).</summary>
public sealed record LatentWalkView(LatentViewSpec Spec) : LiveView
{
    /// <summary>The keys of every latent walk.</summary>
    public const string WalkKeys = "keys: space pause, → step, ← → scrub, r new endpoints, +/− speed, s save, esc quit";
}

/// <summary>A flow's inverse pass layer by layer: z ~ N(0, T²·I) turning into samples.</summary>
public sealed record LayerView(Flow Model) : LiveView
{
    public float Temperature { get; init; } = 1;
}
