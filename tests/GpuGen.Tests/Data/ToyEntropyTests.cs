using GpuGen.Data;

namespace GpuGen.Tests.Data;

/// <summary>The entropy floor of the Gaussian-mixture toys: a normalized density and the right Monte Carlo estimate.</summary>
public class ToyEntropyTests
{
    [Theory]
    [InlineData("8gaussians", 2.6)]
    [InlineData("8gaussians-wide", 5.0)]
    public void DensityIntegratesToOne(string toy, double half)
    {
        // Midpoint rule on a grid fine enough for σ = 0.1 (spacing σ/10): float64 throughout.
        const int cells = 1040;
        double h = 2 * half / cells, sum = 0;
        for (int i = 0; i < cells; i++)
            for (int j = 0; j < cells; j++)
                sum += Math.Exp(ToyEntropy.LogDensity(toy, -half + (i + 0.5) * h, -half + (j + 0.5) * h));
        Assert.InRange(sum * h * h, 0.999, 1.001);
    }

    [Fact]
    public void EightGaussiansEntropyIsThatOfOneModePlusLog8()
    {
        // The modes are 2·2·sin(π/8)/0.1 ≈ 15σ apart, so H = ln 8 + ln(2πe·σ²) to far below the estimate's error.
        double analytic = Math.Log(8) + Math.Log(2 * Math.PI * Math.E * 0.01);
        var (h, se) = ToyEntropy.Estimate("8gaussians");
        Assert.InRange(se, 0.001, 0.004);
        Assert.InRange(h, analytic - 4 * se, analytic + 4 * se);
        // Another seed gives another estimate within the errors: the generator's points, not a constant.
        var (h2, se2) = ToyEntropy.Estimate("8gaussians", seed: 99);
        Assert.NotEqual(h, h2);
        Assert.InRange(h2 - h, -4 * Math.Sqrt(se * se + se2 * se2), 4 * Math.Sqrt(se * se + se2 * se2));
    }

    [Fact]
    public void UnknownToyHasNoClosedForm()
    {
        Assert.False(ToyEntropy.IsKnown("moons"));
        Assert.True(ToyEntropy.IsKnown("8-gaussians"));
        Assert.Contains("'moons'", Assert.Throws<ArgumentException>(() => ToyEntropy.LogDensity("moons", 0, 0)).Message);
    }
}
