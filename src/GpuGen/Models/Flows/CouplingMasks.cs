namespace GpuGen.Models.Flows;

/// <summary>The binary masks of coupling layers (1 = passes through), one value per feature.</summary>
public static class CouplingMasks
{
    public static IReadOnlyList<string> Kinds { get; } = ["checkerboard", "channel"];

    /// <summary>
    /// Layer k's mask over C×H×W features. "checkerboard": m[c, i, j] = 1 when (i + j + k) is even (the
    /// realnvp_mlp_step mask); "channel": the first half of the flattened features (the first C/2
    /// channels, or for C = 1 the top rows) when k is even, the second half when k is odd. For 1-D or
    /// 2-D data (H = W = 1) the checkerboard alternates single features and the channel mask halves.
    /// </summary>
    public static float[] Make(string kind, int layer, int channels, int height, int width)
    {
        int dim = channels * height * width;
        var mask = new float[dim];
        switch (kind)
        {
            case "checkerboard":
                for (int c = 0; c < channels; c++)
                    for (int i = 0; i < height; i++)
                        for (int j = 0; j < width; j++)
                            mask[(c * height + i) * width + j] = (i + j + layer + (height * width == 1 ? c : 0)) % 2 == 0 ? 1f : 0f;
                break;
            case "channel":
                int half = dim / 2;
                for (int d = 0; d < dim; d++) mask[d] = (d < half) == (layer % 2 == 0) ? 1f : 0f;
                break;
            default:
                throw new ArgumentException($"unknown coupling mask '{kind}' (expected one of {string.Join(", ", Kinds)})");
        }
        return mask;
    }
}
