namespace GpuGen.Models.Views;

/// <summary>
/// Which latent dims a decoder uses: a trained VAE leaves most of its dims at the prior (they decode
/// to the same image), so a grid over two arbitrary dims often shows one image 64 times. Each dim is
/// scored by how far the decoded image moves between z = −2·e_d and z = +2·e_d (one batched decode,
/// no data needed).
/// </summary>
public static class LatentDims
{
    /// <summary>The two dims whose ±2 moves change the decoded image most (sum of absolute differences), the stronger first.</summary>
    public static (int First, int Second) MostInfluential(Func<float[], int[]?, float[]> decode, int latent, int[]? label = null)
    {
        if (latent < 2) throw new ArgumentOutOfRangeException(nameof(latent), latent, "a latent grid needs at least 2 dims");
        var z = new float[2 * latent * latent];
        for (int d = 0; d < latent; d++)
        {
            z[(2 * d) * latent + d] = -2;
            z[(2 * d + 1) * latent + d] = 2;
        }
        int[]? labels = label is null ? null : Enumerable.Repeat(label[0], 2 * latent).ToArray();
        var x = decode(z, labels);
        int per = x.Length / (2 * latent);
        var score = new double[latent];
        for (int d = 0; d < latent; d++)
            for (int k = 0; k < per; k++) score[d] += Math.Abs(x[(2 * d + 1) * per + k] - x[2 * d * per + k]);
        var order = Enumerable.Range(0, latent).OrderByDescending(d => score[d]).ThenBy(d => d).ToArray();
        return (order[0], order[1]);
    }
}
