namespace GpuGen.Tests.Support;

/// <summary>Seeded random inputs, so a failing case can be rerun exactly.</summary>
public static class TestData
{
    /// <summary>Sizes that exercise scalar tails, partial registers, several tiles and the multi-core path.</summary>
    public static readonly int[] AwkwardSizes = [1, 7, 33, 130, 257, 100_003];

    public static IEnumerable<object[]> Sizes() => AwkwardSizes.Select(n => new object[] { n });

    public static float[] Uniform(int seed, int n, float lo = -1f, float hi = 1f)
    {
        var random = new System.Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(lo + (hi - lo) * random.NextDouble());
        return x;
    }

    /// <summary>Standard normals (Box–Muller in float64), for gradients and noise.</summary>
    public static float[] Normal(int seed, int n, float mean = 0f, float std = 1f)
    {
        var random = new System.Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u = 1.0 - random.NextDouble(), v = random.NextDouble();
            x[i] = (float)(mean + std * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        return x;
    }

    public static int[] Ints(int seed, int n, int lo, int hi)
    {
        var random = new System.Random(seed);
        var x = new int[n];
        for (int i = 0; i < n; i++) x[i] = random.Next(lo, hi);
        return x;
    }

    /// <summary>
    /// A seed from a test case's name: 32-bit FNV-1a over its UTF-16 code units, kept to 30 bits
    /// (so seed + k stays positive).
    /// Unlike string.GetHashCode (randomised per process) it is the same in every run, so a case that
    /// fails once fails again with the same inputs.
    /// </summary>
    public static int Seed(string name)
    {
        uint h = 2166136261;                        // FNV offset basis
        foreach (char c in name)
        {
            h = (h ^ (byte)c) * 16777619;           // FNV prime; low byte, then high byte
            h = (h ^ (byte)(c >> 8)) * 16777619;
        }
        return (int)(h & 0x3fff_ffff);
    }

    /// <summary>A seed from a test case's parameters (FNV-1a over their decimal text, comma-separated); never HashCode.Combine, which is randomised per process.</summary>
    public static int Seed(params long[] parts) =>
        Seed(string.Join(',', parts.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);
}
