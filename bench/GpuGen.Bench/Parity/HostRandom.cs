namespace GpuGen.Bench.Parity;

/// <summary>
/// Host-side inputs for parity cases from a fixed seed (System.Random with a seed is the same sequence
/// on every run and machine), so the device and the `cpu` reference get identical arrays.
/// </summary>
internal sealed class HostRandom(int seed)
{
    private readonly System.Random random = new(seed);

    /// <summary>n samples of N(0, scale²) (Box–Muller in float64).</summary>
    public float[] Normal(int n, float scale = 1f)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            x[i] = (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
        return x;
    }

    /// <summary>n samples uniform in [lo, hi).</summary>
    public float[] Uniform(int n, float lo, float hi)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(lo + (hi - lo) * random.NextDouble());
        return x;
    }

    /// <summary>n integers uniform in [lo, hi).</summary>
    public int[] Ints(int n, int lo, int hi)
    {
        var x = new int[n];
        for (int i = 0; i < n; i++) x[i] = random.Next(lo, hi);
        return x;
    }

    /// <summary>A coupling mask of n entries, alternating 1 (pass through) and 0 (transformed), starting with <paramref name="first"/>.</summary>
    public static float[] Checkerboard(int n, int first) => Enumerable.Range(0, n).Select(i => (float)((i + first) % 2)).ToArray();
}
