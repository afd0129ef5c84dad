using GpuGen.Viewer.Training;

namespace GpuGen.Viewer.Gan;

/// <summary>G's samples from the fixed z at a training step: images [N, 1, H, W] in [−1, 1], or 2-D points [N, 2].</summary>
public sealed record GanSnapshot(float[] Values, int N, int Height, int Width, long Step, bool Points, int Columns = 0);

/// <summary>
/// What a GAN training loop tells its window, from the training thread: each step's D and G losses
/// and D(real), D(fake), and now and then G's samples from the fixed z (<see cref="Samples"/>).
/// Thread-safe; the training thread never waits on the display.
/// </summary>
public sealed class GanTrainingMonitor(long totalSteps, string title) : CurveMonitor<GanSnapshot>(Names.Length, totalSteps, title)
{
    /// <summary>The curves, in this order.</summary>
    public static readonly string[] Names = ["D loss", "G loss", "D(real)", "D(fake)"];

    public FrameQueue<GanSnapshot> Samples => Frames;

    /// <summary>Records optimisation step <paramref name="step"/>.</summary>
    public void Report(long step, float lossD, float lossG, float dReal, float dFake) => Record(step, lossD, lossG, dReal, dFake);
}
