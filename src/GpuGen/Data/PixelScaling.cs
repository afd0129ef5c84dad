namespace GpuGen.Data;

/// <summary>How <see cref="DataLoader"/> turns a pixel byte v ∈ {0 … 255} into the model's input.</summary>
public enum PixelScaling
{
    /// <summary>(v − 127.5) / 127.5 ∈ [−1, 1]: 0 → −1 and 255 → 1 exactly (diffusion, GANs, flows).</summary>
    MinusOneToOne,

    /// <summary>v / 255 ∈ [0, 1]: 0 → 0 and 255 → 1 exactly (Gaussian-likelihood VAEs).</summary>
    ZeroToOne,

    /// <summary>
    /// Dynamic binarization: 1 if v / 255 &gt; u else 0, with u ∈ (0, 1) a fresh Philox uniform for each
    /// pixel of each epoch, so a pixel is 1 with probability v / 255 (Bernoulli VAEs, PixelCNN; the
    /// "dynamically binarized MNIST" of Salakhutdinov &amp; Murray 2008).
    /// </summary>
    Binarized,
}
