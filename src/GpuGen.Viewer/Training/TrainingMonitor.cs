namespace GpuGen.Viewer.Training;

/// <summary>A sample grid made from the current (EMA) weights at a training step.</summary>
public sealed record SampleGridFrame(float[] Images, int N, int Channels, int Height, int Width, long Step, int Columns = 0);

/// <summary>
/// What a training loop tells the window, from the training thread: each step's loss, and now and
/// then a sample grid (<see cref="Grids"/>). Thread-safe; the training thread never waits on the display.
/// </summary>
public sealed class TrainingMonitor(long totalSteps, string title) : CurveMonitor<SampleGridFrame>(1, totalSteps, title)
{
    public FrameQueue<SampleGridFrame> Grids => Frames;

    /// <summary>Records the loss of optimisation step <paramref name="step"/>.</summary>
    public void Report(long step, float loss) => Record(step, loss);

    /// <summary>Copies the losses reported since index <paramref name="start"/> into <paramref name="into"/>.</summary>
    public void CopyLosses(int start, List<float> into) => CopyCurve(0, start, into);
}
