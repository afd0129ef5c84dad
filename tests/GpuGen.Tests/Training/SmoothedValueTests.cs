using GpuGen.Training;

namespace GpuGen.Tests.Training;

/// <summary>The progress line's and the training window's smoothing: a debiased exponential moving average.</summary>
public sealed class SmoothedValueTests
{
    [Fact]
    public void IsTheWeightedMeanOfTheValuesSoFar()
    {
        var rng = new System.Random(17);
        var values = Enumerable.Range(0, 300).Select(_ => rng.NextDouble() * 10 - 3).ToArray();
        var average = new SmoothedValue();
        Assert.True(double.IsNaN(average.Value));
        for (int n = 1; n <= values.Length; n++)
        {
            double got = average.Add(values[n - 1]);
            // float64 reference: Σ β^(n−i) x_i / Σ β^(n−i), β = 1 − weight
            double num = 0, den = 0;
            for (int i = 1; i <= n; i++)
            {
                double w = Math.Pow(1 - SmoothedValue.Weight, n - i);
                num += w * values[i - 1];
                den += w;
            }
            Assert.Equal(num / den, got, 1e-9);
            Assert.Equal(got, average.Value);
        }
    }

    [Fact]
    public void FollowsAFallingLossFromTheStart()
    {
        // A loss falling from 1 to 0.1 over 50 steps, then flat: after 100 steps the smoothed value is near 0.1.
        var average = new SmoothedValue();
        double firstValueStart = double.NaN, smoothed = 0;
        for (int step = 0; step < 100; step++)
        {
            double loss = step < 50 ? 1 - 0.9 * step / 50 : 0.1;
            smoothed = average.Add(loss);
            firstValueStart = double.IsNaN(firstValueStart) ? loss : 0.98 * firstValueStart + 0.02 * loss;
        }
        Assert.InRange(smoothed, 0.1, 0.25);
        Assert.True(firstValueStart > 0.3, $"the positive control: an average started at the first value still reads {firstValueStart:F3}");
    }
}
