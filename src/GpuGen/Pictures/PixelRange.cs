namespace GpuGen.Pictures;

/// <summary>How float pixel values map to 0–255 (values outside are clamped).</summary>
public enum PixelRange
{
    /// <summary>[-1, 1], the usual range of diffusion and GAN outputs.</summary>
    MinusOneToOne,

    /// <summary>[0, 1], e.g. VAE and PixelCNN outputs.</summary>
    ZeroToOne,
}
