using GpuGen.Random;

namespace GpuGen.Models.Views;

/// <summary>How a latent walk lays its images out.</summary>
public enum LatentLayout
{
    /// <summary>side × side images over two latent dims (±extent), the other dims walking on a great circle.</summary>
    Grid,

    /// <summary>One row per class, columns along a quarter of a great circle that slides as the walk goes on.</summary>
    ClassRows,

    /// <summary>n images, each on a great circle of its own.</summary>
    Walks,
}

/// <summary>
/// The latents of a walk at phase θ, from endpoint vectors a, b ~ N(0, I) drawn from the seed:
/// z(θ) = cos θ · a + sin θ · b stays N(0, I)-distributed for every θ (a great circle, not a straight
/// line through the low-density middle), so every frame decodes typical latents.
/// </summary>
public sealed class LatentWalk
{
    private readonly float[] a;
    private readonly float[] b;

    /// <summary>A walk of <paramref name="layout"/> over <paramref name="latent"/> dims with <paramref name="paths"/> independent circles (1 for Grid and ClassRows, n for Walks).</summary>
    public LatentWalk(LatentLayout layout, int latent, int paths, ulong seed, int side = 8, int columns = 8, int rows = 1, int dim1 = 0, int dim2 = 1, float extent = 2.5f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latent);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(paths);
        if (layout == LatentLayout.Grid && (latent < 2 || dim1 == dim2 || dim1 < 0 || dim2 < 0 || dim1 >= latent || dim2 >= latent))
            throw new ArgumentException($"a latent grid needs two different dims of the {latent} (got {dim1} and {dim2})");
        Layout = layout;
        Latent = latent;
        Side = side;
        Columns = layout switch { LatentLayout.Grid => side, LatentLayout.ClassRows => columns, _ => 0 };
        Rows = layout switch { LatentLayout.Grid => side, LatentLayout.ClassRows => rows, _ => 0 };
        Dim1 = dim1;
        Dim2 = dim2;
        Extent = extent;
        Count = layout switch { LatentLayout.Grid => side * side, LatentLayout.ClassRows => rows * columns, _ => paths };
        a = Gaussian(paths * latent, seed, 0);
        b = Gaussian(paths * latent, seed, 1);
    }

    public LatentLayout Layout { get; }
    public int Latent { get; }
    public int Side { get; }

    /// <summary>Images per row (0: as square as possible).</summary>
    public int Columns { get; }
    public int Rows { get; }
    public int Dim1 { get; }
    public int Dim2 { get; }
    public float Extent { get; }

    /// <summary>Images per frame.</summary>
    public int Count { get; }

    /// <summary>The latents [Count, latent] at phase θ.</summary>
    public float[] At(double theta)
    {
        var z = new float[Count * Latent];
        switch (Layout)
        {
            case LatentLayout.Grid:
                for (int i = 0; i < Count; i++)
                {
                    Circle(z.AsSpan(i * Latent, Latent), 0, theta);
                    int row = i / Side, col = i % Side;
                    z[i * Latent + Dim1] = Axis(col);
                    z[i * Latent + Dim2] = -Axis(row);
                }
                break;
            case LatentLayout.ClassRows:
                for (int col = 0; col < Columns; col++)
                {
                    double phi = theta + (Columns == 1 ? 0 : Math.PI / 2 * col / (Columns - 1));
                    for (int row = 0; row < Rows; row++) Circle(z.AsSpan((row * Columns + col) * Latent, Latent), 0, phi);
                }
                break;
            default:
                for (int i = 0; i < Count; i++) Circle(z.AsSpan(i * Latent, Latent), i, theta);
                break;
        }
        return z;
    }

    /// <summary>Grid position k of side along an axis: −extent … +extent.</summary>
    public float Axis(int k) => Side == 1 ? 0 : -Extent + 2 * Extent * k / (Side - 1);

    private void Circle(Span<float> into, int path, double theta)
    {
        float c = (float)Math.Cos(theta), s = (float)Math.Sin(theta);
        for (int d = 0; d < Latent; d++) into[d] = c * a[path * Latent + d] + s * b[path * Latent + d];
    }

    private static float[] Gaussian(int count, ulong seed, ulong stream)
    {
        var v = new float[count];
        for (int i = 0; i < count; i += 4)
        {
            var (z0, z1, z2, z3) = Philox.Gaussian4(seed, 0x4C57_0000_0000_0000UL | stream, (ulong)(i / 4));
            float[] four = [z0, z1, z2, z3];
            for (int k = 0; k < 4 && i + k < count; k++) v[i + k] = four[k];
        }
        return v;
    }
}
