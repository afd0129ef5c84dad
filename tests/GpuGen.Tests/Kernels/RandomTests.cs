using GpuGen.Random;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

public class RandomTests
{
    /// <summary>Random123 tests/kat_vectors, the three "philox4x32 10" lines: ctr[4] key[2] → out[4].</summary>
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void KnownAnswerVectors(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Assert.Equal((e0, e1, e2, e3), Philox.Bijection(c0, c1, c2, c3, k0, k1));
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void FillFollowsTheDocumentedAddressing(string device)
    {
        // Element e = word e%4 of the bijection of counter (e/4 lo, e/4 hi, stream lo, stream hi) under key (seed lo, seed hi).
        ulong seed = 0x1234_5678_9abc_def0, stream = 0x0000_0007_0000_0003, offset = (1UL << 34) + 2;
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = h.Poisoned(11);
        h.K.UniformIntFill(11, seed, stream, offset, x, int.MinValue, int.MaxValue);
        var got = h.ReadInts(x);
        for (int i = 0; i < 11; i++)
        {
            ulong e = offset + (ulong)i, block = e / 4;
            var w = Philox.Bijection((uint)block, (uint)(block >> 32), (uint)stream, (uint)(stream >> 32), (uint)seed, (uint)(seed >> 32));
            uint bits = (e % 4) switch { 0 => w.X0, 1 => w.X1, 2 => w.X2, _ => w.X3 };
            // With range 2³² − 1 the int is lo + ⌊bits·(2³² − 1)/2³²⌋, i.e. bits − 1 (bits > 0) shifted by lo.
            long expected = int.MinValue + (long)(((ulong)bits * uint.MaxValue) >> 32);
            Assert.Equal(expected, got[i]);
        }
    }

    [Fact]
    public void UniformIsExactAndInsideTheOpenInterval()
    {
        Assert.Equal(0.5f * (1f / 8388608f), Philox.Uniform(0));
        Assert.Equal(1f - 0.5f / 8388608f, Philox.Uniform(uint.MaxValue));
        Assert.True(Philox.Uniform(uint.MaxValue) < 1f);
        Assert.Equal((12345u >> 9) + 0.5, Philox.Uniform(12345u) * 8388608.0);
    }

    public static IEnumerable<object[]> SliceCases() =>
        from kind in new[] { "uniform", "gaussian", "int" }
        from offset in new[] { 0, 1, 3, 6, 13 }
        from n in new[] { 1, 7, 33, 130 }
        select new object[] { kind, offset, n };

    /// <summary>A slice drawn alone equals the same slice of a larger fill, bit for bit, at unaligned offsets.</summary>
    [Theory]
    [DeviceData("cpu", Member = nameof(SliceCases))]
    [DeviceData("ilgpu-cpu", Member = nameof(SliceCases))]
    [DeviceData("opencl:0", Member = nameof(SliceCases))]
    [DeviceData("cuda:0", Member = nameof(SliceCases))]
    public void SliceEqualsPartOfALargerFill(string device, string kind, int offset, int n)
    {
        const ulong seed = 42, stream = 9, baseOffset = 1001;
        using var h = new KernelHarness(TestBackends.Get(device));
        int total = offset + n + 5;
        var whole = h.Poisoned(total);
        var part = h.Poisoned(n);
        Fill(h, kind, total, seed, stream, baseOffset, whole);
        Fill(h, kind, n, seed, stream, baseOffset + (ulong)offset, part);
        Assert.Equal(h.ReadInts(whole)[offset..(offset + n)], h.ReadInts(part)); // compare bits
    }

    private static void Fill(KernelHarness h, string kind, long n, ulong seed, ulong stream, ulong offset, Backends.DeviceBuffer x)
    {
        switch (kind)
        {
            case "uniform": h.K.UniformFill(n, seed, stream, offset, x, -2f, 3f); break;
            case "gaussian": h.K.GaussianFill(n, seed, stream, offset, x, 0.5f, 2f); break;
            default: h.K.UniformIntFill(n, seed, stream, offset, x, -5, 1000); break;
        }
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void StreamsAndSeedsAreIndependent(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var a = h.Poisoned(64);
        var b = h.Poisoned(64);
        var c = h.Poisoned(64);
        h.K.UniformFill(64, 1, 0, 0, a);
        h.K.UniformFill(64, 1, 1, 0, b);
        h.K.UniformFill(64, 2, 0, 0, c);
        var (ra, rb, rc) = (h.Read(a), h.Read(b), h.Read(c));
        Assert.True(ra.Zip(rb).Count(p => p.First == p.Second) < 2);
        Assert.True(ra.Zip(rc).Count(p => p.First == p.Second) < 2);
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void GaussianMoments(string device)
    {
        // n = 2²⁰ standard normals. Standard errors of the sample mean, variance, skewness and excess
        // kurtosis are √(1/n) ≈ 0.00098, √(2/n) ≈ 0.0014, √(6/n) ≈ 0.0024 and √(24/n) ≈ 0.0048;
        // the bounds are 5 standard errors (a correct generator fails with probability ~10⁻⁶ each).
        const int n = 1 << 20;
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = h.Poisoned(n);
        h.K.GaussianFill(n, 7, 3, 5, x);
        var z = h.Read(x);
        double mean = z.Average(v => (double)v);
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (float v in z)
        {
            double d = v - mean, d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }
        m2 /= n;
        m3 /= n;
        m4 /= n;
        Assert.InRange(mean, -0.0049, 0.0049);
        Assert.InRange(m2, 1 - 0.0070, 1 + 0.0070);
        Assert.InRange(m3 / Math.Pow(m2, 1.5), -0.012, 0.012);
        Assert.InRange(m4 / (m2 * m2) - 3, -0.024, 0.024);
        Assert.All(z, v => Assert.True(float.IsFinite(v) && Math.Abs(v) < 6f));
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void GaussianMeanAndStdAreAnAffineMap(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        var a = h.Poisoned(1000);
        var b = h.Poisoned(1000);
        h.K.GaussianFill(1000, 11, 0, 3, a);
        h.K.GaussianFill(1000, 11, 0, 3, b, -1.5f, 0.25f);
        Approx.Close(h.Read(a).Select(v => -1.5 + 0.25 * v).ToArray(), h.Read(b), 1e-6, 1e-6, "affine gaussian");
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void UniformMomentsAndRange(string device)
    {
        // Mean of n = 2²⁰ U(−2, 3): 0.5 with standard error 5/√(12n) ≈ 0.0014; bound 5 SE.
        const int n = 1 << 20;
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = h.Poisoned(n);
        h.K.UniformFill(n, 5, 1, 3, x, -2f, 3f);
        var u = h.Read(x);
        Assert.All(u, v => Assert.True(v > -2f && v < 3f, $"{v} outside (-2, 3)"));
        Assert.InRange(u.Average(v => (double)v), 0.5 - 0.007, 0.5 + 0.007);
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void IntsInRangeAndNearUniform(string device)
    {
        // 13 bins, n = 260 000 (20 000 expected per bin). Pearson's χ² has 12 degrees of freedom
        // (mean 12, sd √24 ≈ 4.9); its 0.9999 quantile is ≈ 37.6, so the bound 40 fails a correct
        // generator with probability below 10⁻⁴ — and the seed is fixed.
        const int n = 260_000, lo = -3, hi = 10;
        using var h = new KernelHarness(TestBackends.Get(device));
        var x = h.Poisoned(n);
        h.K.UniformIntFill(n, 17, 2, 7, x, lo, hi);
        var counts = new int[hi - lo];
        foreach (int v in h.ReadInts(x))
        {
            Assert.InRange(v, lo, hi - 1);
            counts[v - lo]++;
        }
        double expected = (double)n / counts.Length;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi2 < 40, $"chi-square {chi2:F1} for counts {string.Join(",", counts)}");
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void IntFillRejectsEmptyRange(string device)
    {
        using var h = new KernelHarness(TestBackends.Get(device));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.K.UniformIntFill(4, 1, 1, 0, h.Poisoned(4), 3, 3));
    }
}
