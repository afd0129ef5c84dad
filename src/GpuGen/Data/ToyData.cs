using GpuGen.Random;

namespace GpuGen.Data;

/// <summary>
/// The 2-D toy distributions used to watch a generative model learn (as in FFJORD and the DDPM
/// tutorials): 8gaussians, moons, swissroll, checkerboard, rings. Points are drawn on the host from
/// Philox streams, so (name, seed, stream) always gives the same points; all sit roughly in [−3, 3]².
/// </summary>
public static class ToyData
{
    public static IReadOnlyList<string> Names { get; } = ["8gaussians", "moons", "swissroll", "checkerboard", "rings"];

    public static bool IsToy(string name) => Names.Contains(Canonical(name));

    /// <summary>Accepts a few spellings ("two-moons", "swiss-roll", "8-gaussians").</summary>
    public static string Canonical(string name) => name.ToLowerInvariant().Replace("-", "").Replace("_", "") switch
    {
        "8gaussians" or "eightgaussians" => "8gaussians",
        "moons" or "twomoons" => "moons",
        "swissroll" => "swissroll",
        "checkerboard" => "checkerboard",
        "rings" or "circles" => "rings",
        _ => name,
    };

    /// <summary>
    /// n points [n, 2] row-major. Point i uses uniforms 4i … 4i+3 of Philox stream 2·stream and normals
    /// 2i, 2i+1 of stream 2·stream + 1 (of the given seed), so a batch of step s is stream s.
    /// </summary>
    public static float[] Sample(string name, int n, ulong seed, ulong stream = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var points = new float[2 * n];
        Fill(name, points, seed, stream);
        return points;
    }

    /// <summary>Fills <paramref name="points"/> ([n, 2]) without allocating.</summary>
    public static void Fill(string name, Span<float> points, ulong seed, ulong stream = 0)
    {
        var draw = Canonical(name) switch
        {
            "8gaussians" => (Func<Source, (double, double)>)EightGaussians,
            "moons" => Moons,
            "swissroll" => SwissRoll,
            "checkerboard" => Checkerboard,
            "rings" => Rings,
            _ => throw new ArgumentException($"unknown toy distribution '{name}' (expected one of {string.Join(", ", Names)})"),
        };
        for (int i = 0; i < points.Length / 2; i++)
        {
            var (x, y) = draw(new Source(seed, stream, (ulong)i));
            points[2 * i] = (float)x;
            points[2 * i + 1] = (float)y;
        }
    }

    /// <summary>The random numbers of one point.</summary>
    private readonly record struct Source(ulong Seed, ulong Stream, ulong Point)
    {
        public (uint, uint, uint, uint) Words => Philox.Block(Seed, 2 * Stream, Point);

        public double U(int j)
        {
            var (a, b, c, d) = Words;
            return Philox.Uniform(j switch { 0 => a, 1 => b, 2 => c, _ => d });
        }

        public (double, double) Normal2()
        {
            // Normals 2i and 2i+1 of the odd stream are one Box–Muller pair of block i/2.
            var (z0, z1, z2, z3) = Philox.Gaussian4(Seed, 2 * Stream + 1, Point / 2);
            return Point % 2 == 0 ? (z0, z1) : (z2, z3);
        }
    }

    /// <summary>k ~ U{0..7}, x = 2(cos 2πk/8, sin 2πk/8) + 0.1·N(0, I) (shared/WORKLOADS.md, ddpm_2d_step).</summary>
    private static (double, double) EightGaussians(Source s)
    {
        int k = Philox.UniformInt(s.Words.Item1, 0, 8);
        var (nx, ny) = s.Normal2();
        double angle = 2 * Math.PI * k / 8;
        return (2 * Math.Cos(angle) + 0.1 * nx, 2 * Math.Sin(angle) + 0.1 * ny);
    }

    /// <summary>Two interleaving half circles (scikit-learn's make_moons), noise 0.05, centred and scaled ×2.</summary>
    private static (double, double) Moons(Source s)
    {
        double theta = Math.PI * s.U(1);
        var (nx, ny) = s.Normal2();
        bool upper = s.U(0) < 0.5;
        double x = upper ? Math.Cos(theta) : 1 - Math.Cos(theta);
        double y = upper ? Math.Sin(theta) : 0.5 - Math.Sin(theta);
        return (2 * (x - 0.5 + 0.05 * nx), 2 * (y - 0.25 + 0.05 * ny));
    }

    /// <summary>Swiss roll: t = 1.5π(1 + 2u), (t cos t, t sin t)/5 plus noise 0.05.</summary>
    private static (double, double) SwissRoll(Source s)
    {
        double t = 1.5 * Math.PI * (1 + 2 * s.U(0));
        var (nx, ny) = s.Normal2();
        return (t * Math.Cos(t) / 5 + 0.05 * nx, t * Math.Sin(t) / 5 + 0.05 * ny);
    }

    /// <summary>An 4×4 checkerboard on [−2, 2]² with the dark squares filled uniformly (FFJORD's version).</summary>
    private static (double, double) Checkerboard(Source s)
    {
        double x = 4 * s.U(0) - 2;
        double y = s.U(1) - 2 * Math.Floor(2 * s.U(2));   // in [−2, −1) ∪ [0, 1)
        y += ((int)Math.Floor(x) & 1) == 0 ? 0 : 1;       // shift alternate columns by one square
        return (x, y);
    }

    /// <summary>Four concentric rings of radius 0.5, 1, 1.5, 2 (chosen ∝ radius, so density per length is even), noise 0.04.</summary>
    private static (double, double) Rings(Source s)
    {
        // P(ring r) ∝ r: cumulative weights 1, 3, 6, 10 out of 10.
        double pick = 10 * s.U(0);
        double radius = pick < 1 ? 0.5 : pick < 3 ? 1.0 : pick < 6 ? 1.5 : 2.0;
        double angle = 2 * Math.PI * s.U(1);
        var (nx, ny) = s.Normal2();
        return (radius * Math.Cos(angle) + 0.04 * nx, radius * Math.Sin(angle) + 0.04 * ny);
    }
}
