using System.Diagnostics;

namespace GpuGen.Viewer.Gan;

/// <summary>G's samples from the fixed z at a training step: images [N, 1, H, W] in [−1, 1], or 2-D points [N, 2].</summary>
public sealed record GanSnapshot(float[] Values, int N, int Height, int Width, long Step, bool Points, int Columns = 0);

/// <summary>
/// What a GAN training loop tells its window, from the training thread: each step's D and G losses
/// and D(real), D(fake), and now and then G's samples from the fixed z. Thread-safe; the training
/// thread never waits on the display.
/// </summary>
public sealed class GanTrainingMonitor
{
    /// <summary>The curves, in this order.</summary>
    public static readonly string[] Names = ["D loss", "G loss", "D(real)", "D(fake)"];

    private readonly object gate = new();
    private readonly List<float>[] curves = [new(), new(), new(), new()];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long firstStep = -1, lastStep;
    private double firstAt;

    public GanTrainingMonitor(long totalSteps, string title)
    {
        TotalSteps = totalSteps;
        Title = title;
    }

    public long TotalSteps { get; }

    public string Title { get; }

    public FrameQueue<GanSnapshot> Samples { get; } = new(2);

    /// <summary>Records optimisation step <paramref name="step"/>.</summary>
    public void Report(long step, float lossD, float lossG, float dReal, float dFake)
    {
        lock (gate)
        {
            if (firstStep < 0)
            {
                firstStep = step;
                firstAt = clock.Elapsed.TotalSeconds;
            }
            lastStep = step;
            curves[0].Add(lossD);
            curves[1].Add(lossG);
            curves[2].Add(dReal);
            curves[3].Add(dFake);
        }
    }

    /// <summary>Appends the values of curve <paramref name="k"/> reported since index <paramref name="start"/> to <paramref name="into"/>.</summary>
    public void CopyCurve(int k, int start, List<float> into)
    {
        lock (gate)
            for (int i = start; i < curves[k].Count; i++) into.Add(curves[k][i]);
    }

    public long LastStep
    {
        get
        {
            lock (gate) return lastStep;
        }
    }

    /// <summary>Optimisation steps per second since the first report.</summary>
    public double StepsPerSecond
    {
        get
        {
            lock (gate)
            {
                double dt = clock.Elapsed.TotalSeconds - firstAt;
                return firstStep < 0 || dt <= 0 ? 0 : (lastStep - firstStep) / dt;
            }
        }
    }

    public double Seconds => clock.Elapsed.TotalSeconds;
}
