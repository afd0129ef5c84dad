namespace GpuGen.Training;

/// <summary>What a finished (or time-boxed) run did and wrote.</summary>
/// <param name="Step">steps the model has taken in all</param>
/// <param name="StepsRun">steps taken by this invocation</param>
/// <param name="Seconds">wall time of the step loop</param>
/// <param name="Curves">every value of every series, in step order (one array per series)</param>
/// <param name="Checkpoint">the final checkpoint</param>
/// <param name="Files">everything written besides the checkpoint, in order (pictures, loss.png, loss.npy)</param>
public sealed record TrainingResult(long Step, long StepsRun, double Seconds, float[][] Curves, string Checkpoint, IReadOnlyList<string> Files)
{
    public double StepsPerSecond => StepsRun / Math.Max(1e-9, Seconds);

    /// <summary>The mean of a series' last 100 values (NaN when no step ran): what a run ended at, without one batch's noise.</summary>
    public float Final(int series) => Curves[series].Length > 0 ? Curves[series].TakeLast(100).Average() : float.NaN;

    /// <summary>The mean of a series' first 10 values: where this invocation started.</summary>
    public float First(int series) => Curves[series].Length > 0 ? Curves[series].Take(10).Average() : float.NaN;
}
