using GpuGen.Data;

namespace GpuGen.Tests.Models;

public class ToyDataTests
{
    [Theory]
    [InlineData("8gaussians")]
    [InlineData("moons")]
    [InlineData("swissroll")]
    [InlineData("checkerboard")]
    [InlineData("rings")]
    public void SeededAndBoundedAndSliceable(string name)
    {
        var a = ToyData.Sample(name, 500, seed: 3, stream: 9);
        Assert.Equal(a, ToyData.Sample(name, 500, seed: 3, stream: 9));
        Assert.NotEqual(a, ToyData.Sample(name, 500, seed: 4, stream: 9));
        Assert.NotEqual(a, ToyData.Sample(name, 500, seed: 3, stream: 10));
        Assert.All(a, v => Assert.InRange(v, -3.2f, 3.2f));
        // Point i depends only on (seed, stream, i): a shorter draw is a prefix.
        Assert.Equal(a[..100], ToyData.Sample(name, 50, seed: 3, stream: 9));
    }

    [Fact]
    public void EightGaussiansHasItsModesAtRadiusTwo()
    {
        var p = ToyData.Sample("8gaussians", 4000, seed: 1);
        var counts = new int[8];
        for (int i = 0; i < 4000; i++)
        {
            double r = Math.Sqrt(p[2 * i] * p[2 * i] + p[2 * i + 1] * p[2 * i + 1]);
            Assert.InRange(r, 1.4, 2.6);   // radius 2, noise σ = 0.1: 6σ bounds
            double angle = Math.Atan2(p[2 * i + 1], p[2 * i]);
            counts[((int)Math.Round(angle / (Math.PI / 4)) + 8) % 8]++;
        }
        // Each mode has probability 1/8: 500 ± 3·√(4000·(1/8)·(7/8)) ≈ 500 ± 63.
        Assert.All(counts, c => Assert.InRange(c, 437, 563));
    }

    [Fact]
    public void UnknownNameIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => ToyData.Sample("spiral", 3, 0));
        Assert.Contains("spiral", e.Message);
        Assert.Contains("8gaussians", e.Message);
    }
}
