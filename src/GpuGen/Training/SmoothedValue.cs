namespace GpuGen.Training;

/// <summary>
/// An exponential moving average with its start-up bias removed (as Adam's moments and TensorBoard's
/// smoothing do): while few values have come it is their plain mean, later it weighs the newest by
/// <see cref="Weight"/>. Starting it at the first value instead makes a falling loss look stuck at its
/// start for the first hundred steps.
/// </summary>
public struct SmoothedValue
{
    /// <summary>The newest value's weight once the average has warmed up.</summary>
    public const double Weight = 0.02;

    private double sum, norm;

    /// <summary>Takes in <paramref name="value"/> and returns the average.</summary>
    public double Add(double value)
    {
        sum = (1 - Weight) * sum + Weight * value;
        norm = (1 - Weight) * norm + Weight;
        return sum / norm;
    }

    /// <summary>The average (NaN before the first value).</summary>
    public readonly double Value => norm > 0 ? sum / norm : double.NaN;
}
