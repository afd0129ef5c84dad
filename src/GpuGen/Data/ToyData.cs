using GpuGen.Random;

namespace GpuGen.Data;

/// <summary>
/// The 2-D toy distributions used to watch a generative model learn (as in FFJORD and the DDPM
/// tutorials): 8gaussians, moons, swissroll, checkerboard, rings. Points are drawn on the host from
/// Philox streams, so (name, seed, stream) always gives the same points; all sit roughly in [−3, 3]² (8gaussians-wide in [−4, 4]²).
/// </summary>
public static class ToyData
{
    public static IReadOnlyList<string> Names { get; } = ["8gaussians", "moons", "swissroll", "checkerboard", "rings", "8gaussians-wide"];

    public static bool IsToy(string name) => Names.Contains(Canonical(name));

    /// <summary>Accepts a few spellings ("two-moons", "swiss-roll", "8-gaussians").</summary>
    public static string Canonical(string name) => name.ToLowerInvariant().Replace("-", "").Replace("_", "") switch
    {
        "8gaussians" or "eightgaussians" => "8gaussians",
        "moons" or "twomoons" => "moons",
        "swissroll" => "swissroll",
        "checkerboard" => "checkerboard",
        "rings" or "circles" => "rings",
        "8gaussianswide" or "ffjord8gaussians" => "8gaussians-wide",
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
            "8gaussians-wide" => EightGaussiansWide,
            _ => throw new ArgumentException($"unknown toy distribution '{name}' (expected one of {string.Join(", ", Names)})"),
        };
        for (int i = 0; i < points.Length / 2; i++)
        {
            var (x, y) = draw(new Source(seed, stream, (ulong)i));
            points[2 * i] = (float)x;
            points[2 * i + 1] = (float)y;
        }
    }

    /// <summary>
    /// The random numbers of one point. The uniform words are one Philox block, computed once here (a
    /// point reads up to three of them); the normals are computed on demand, and only the Box–Muller
    /// pair the point uses.
    /// </summary>
    private readonly struct Source
    {
        private readonly ulong seed, stream, point;
        private readonly uint w0, w1, w2, w3;

        public Source(ulong seed, ulong stream, ulong point)
        {
            this.seed = seed;
            this.stream = stream;
            this.point = point;
            (w0, w1, w2, w3) = Philox.Block(seed, 2 * stream, point);
        }

        public uint Word0 => w0;

        public double U(int j) => Philox.Uniform(j switch { 0 => w0, 1 => w1, 2 => w2, _ => w3 });

        public (double, double) Normal2()
        {
            // Normals 2i and 2i+1 of the odd stream are one Box–Muller pair of block i/2 (lanes 0,1 or 2,3,
            // the same numbers Philox.Gaussian4 gives).
            var (a, b, c, d) = Philox.Block(seed, 2 * stream + 1, point / 2);
            var (z0, z1) = point % 2 == 0 ? Philox.BoxMuller(a, b) : Philox.BoxMuller(c, d);
            return (z0, z1);
        }
    }

    /// <summary>The eight centres 2(cos 2πk/8, sin 2πk/8), computed as the formula would per point.</summary>
    private static readonly (double X, double Y)[] EightCentres =
        Enumerable.Range(0, 8).Select(k => (2 * Math.Cos(2 * Math.PI * k / 8), 2 * Math.Sin(2 * Math.PI * k / 8))).ToArray();

    /// <summary>k ~ U{0..7}, x = 2(cos 2πk/8, sin 2πk/8) + 0.1·N(0, I) (bench/README.md, ddpm_2d_step).</summary>
    private static (double, double) EightGaussians(Source s)
    {
        var (cx, cy) = EightCentres[Philox.UniformInt(s.Word0, 0, 8)];
        var (nx, ny) = s.Normal2();
        return (cx + 0.1 * nx, cy + 0.1 * ny);
    }

    /// <summary>
    /// FFJORD's 8gaussians (Grathwohl et al. 2019, their toy_data.py): x = (4·c_k + 0.5·N(0, I))/1.414 with
    /// c_k the unit vectors at angles 2πk/8, i.e. modes at radius 2.83 with σ = 0.354. Its differential
    /// entropy, the best NLL a density model can reach, is ≈ 2.83 nats (flow tests use it).
    /// </summary>
    private static (double, double) EightGaussiansWide(Source s)
    {
        var (cx, cy) = EightCentres[Philox.UniformInt(s.Word0, 0, 8)];
        var (nx, ny) = s.Normal2();
        return ((2 * cx + 0.5 * nx) / 1.414, (2 * cy + 0.5 * ny) / 1.414);
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
