namespace GpuGen.Training;

/// <summary>Where a run stands after a step: what <see cref="TrainingDriver"/> tells its observer.</summary>
/// <param name="Step">steps the model has taken</param>
/// <param name="Done">steps taken in this invocation</param>
/// <param name="Fraction">share of the work done, by steps or by the time budget, whichever is further</param>
/// <param name="Seconds">wall time of this invocation so far</param>
/// <param name="Values">this step's values, one per series</param>
/// <param name="Smoothed">the values smoothed (<see cref="SmoothedValue"/>)</param>
/// <param name="Status">the run's own summary of <paramref name="Smoothed"/></param>
public sealed record TrainingProgress(long Step, long Done, double Fraction, double Seconds, float[] Values, double[] Smoothed, string Status)
{
    public double StepsPerSecond => Done / Math.Max(1e-9, Seconds);
}
