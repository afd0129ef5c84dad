namespace GpuGen.Models.Gan;

/// <summary>
/// Mode coverage on 8gaussians (centres 2·(cos 2πk/8, sin 2πk/8), σ = 0.1): a sample belongs to mode k when
/// it lies within 3σ = 0.3 of centre k, and a mode counts as covered when at least 1% of the samples belong
/// to it. The share of samples within 3σ of any centre is the "high-quality" fraction.
/// </summary>
public static class ModeCoverage
{
    public const double Radius = 0.3, MinShare = 0.01;

    /// <summary>Samples per mode of points [n, 2].</summary>
    public static int[] EightGaussians(ReadOnlySpan<float> points)
    {
        var counts = new int[8];
        for (int i = 0; i < points.Length / 2; i++)
            for (int k = 0; k < 8; k++)
            {
                double dx = points[2 * i] - 2 * Math.Cos(2 * Math.PI * k / 8), dy = points[2 * i + 1] - 2 * Math.Sin(2 * Math.PI * k / 8);
                if (dx * dx + dy * dy <= Radius * Radius) counts[k]++;
            }
        return counts;
    }

    /// <summary>Modes with at least 1% of the n samples.</summary>
    public static int Covered(int[] counts, int n) => counts.Count(c => c >= MinShare * n);
}
