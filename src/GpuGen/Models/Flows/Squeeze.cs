using GpuGen.Autograd;
using GpuGen.Tensors;

namespace GpuGen.Models.Flows;

/// <summary>
/// RealNVP's squeeze (Dinh et al. 2017, section 3.6, figure 3): each 2×2 block of every channel becomes
/// four channels, [N, C, H, W] → [N, 4C, H/2, W/2], with y[n, 4c + 2a + b, i, j] = x[n, c, 2i + a, 2j + b]
/// (torch's reshape(N, C, H/2, 2, W/2, 2).permute(0, 1, 3, 5, 2, 4)). A permutation: log|det| = 0.
/// It runs on the existing convolution kernels as a grouped (one group per input channel) stride-2 2×2
/// convolution with a fixed one-hot weight [4C, 1, 2, 2], and the unsqueeze as the matching transposed
/// convolution; each output is one product x·1 plus three x·0, so both are exact, and their gradients
/// (the inverse permutation) come from the convolutions' backward passes.
/// </summary>
public sealed class Squeeze : IDisposable
{
    private readonly Tensor weight;

    public Squeeze(Device device, int channels)
    {
        if (channels < 1) throw new ArgumentException($"squeeze needs at least one channel, got {channels}");
        Channels = channels;
        var w = new float[4 * channels * 4];
        for (int c = 0; c < channels; c++)
            for (int k = 0; k < 4; k++)
                w[(c * 4 + k) * 4 + k] = 1f;   // output channel 4c + k takes tap k = 2a + b of input channel c
        weight = Tensor.FromArray(device, w, 4 * channels, 1, 2, 2);
    }

    /// <summary>Input channels C (the squeezed tensor has 4C).</summary>
    public int Channels { get; }

    /// <summary>[N, C, H, W] → [N, 4C, H/2, W/2]; H and W must be even.</summary>
    public Tensor Forward(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != Channels || x.Dim(2) % 2 != 0 || x.Dim(3) % 2 != 0)
            throw new ArgumentException($"squeeze: input must be [N, {Channels}, H, W] with even H and W, got {x.Describe()}");
        return Ops.Conv2d(x, weight, null, stride: 2, groups: Channels);
    }

    /// <summary>[N, 4C, H, W] → [N, C, 2H, 2W], the inverse of <see cref="Forward"/>.</summary>
    public Tensor Inverse(Tensor y)
    {
        if (y.Rank != 4 || y.Dim(1) != 4 * Channels)
            throw new ArgumentException($"unsqueeze: input must be [N, {4 * Channels}, H, W], got {y.Describe()}");
        return Ops.ConvTranspose2d(y, weight, null, stride: 2, groups: Channels);
    }

    public void Dispose() => weight.Dispose();
}
