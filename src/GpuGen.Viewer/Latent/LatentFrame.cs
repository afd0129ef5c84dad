using GpuGen.Models.Views;

namespace GpuGen.Viewer.Latent;

/// <summary>
/// One position of a latent walk, decoded by the sampling thread: the images and the latents they
/// came from, at phase <see cref="Theta"/> after <see cref="ChainFrame.StepsDone"/> of <see cref="ChainFrame.StepCount"/>
/// steps (one turn of the circle). Immutable once posted.
/// </summary>
public sealed record LatentFrame : ChainFrame
{
    /// <summary>The images [N, C, H, W] (VAE: [0, 1]; GAN: [−1, 1]; see <see cref="LatentViewSpec"/>).</summary>
    public required float[] Images { get; init; }

    /// <summary>The latents [N, latent] decoded (before a CVAE's class means are added).</summary>
    public required float[] Z { get; init; }
    public required double Theta { get; init; }

    /// <summary>The class of each image (null: unconditional).</summary>
    public required int[]? Labels { get; init; }
}
