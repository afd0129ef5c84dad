using GpuGen.Tensors;

namespace GpuGen.Nn;

/// <summary>
/// The 0/1 weight masks of PixelCNN's masked convolutions, shaped like the weight [Cout, Cin, k, k].
/// With centre c = k/2, mask A zeroes w[:,:,c,c:] and w[:,:,c+1:,:]; mask B zeroes w[:,:,c,c+1:] and
/// w[:,:,c+1:,:]. (Single colour channel, so there is no split of channels into R/G/B groups.)
/// </summary>
public static class ConvMasks
{
    public static float[] Create(ConvMaskKind kind, int cout, int cin, int k)
    {
        if (cout <= 0 || cin <= 0 || k <= 0) throw new ArgumentException($"ConvMasks: sizes must be positive, got cout={cout} cin={cin} k={k}");
        int c = k / 2, firstZero = kind == ConvMaskKind.A ? c : c + 1;
        var tap = new float[k * k];
        for (int u = 0; u < k; u++)
            for (int v = 0; v < k; v++)
                tap[u * k + v] = u < c || (u == c && v < firstZero) ? 1f : 0f;
        var mask = new float[(long)cout * cin * k * k];
        for (long i = 0; i < mask.Length; i += tap.Length) tap.CopyTo(mask, i);
        return mask;
    }

    /// <summary>The mask as a tensor [cout, cin, k, k] on a device.</summary>
    public static Tensor Create(Device device, ConvMaskKind kind, int cout, int cin, int k) =>
        Tensor.FromArray(device, Create(kind, cout, cin, k), cout, cin, k, k);
}
