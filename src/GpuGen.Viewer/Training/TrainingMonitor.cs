using System.Diagnostics;

namespace GpuGen.Viewer.Training;

/// <summary>A sample grid made from the current (EMA) weights at a training step.</summary>
public sealed record SampleGridFrame(float[] Images, int N, int Channels, int Height, int Width, long Step, int Columns = 0);

/// <summary>
/// What a training loop tells the window, from the training thread: each step's loss, and now and
/// then a sample grid. Thread-safe; the training thread never waits on the display.
/// </summary>
public sealed class TrainingMonitor
{
    private readonly object gate = new();
    private readonly List<float> losses = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long firstStep = -1, lastStep;
    private double firstAt;

    public TrainingMonitor(long totalSteps, string title)
    {
        TotalSteps = totalSteps;
        Title = title;
    }

    public long TotalSteps { get; }

    public string Title { get; }

    public FrameQueue<SampleGridFrame> Grids { get; } = new(2);

    /// <summary>Records the loss of optimisation step <paramref name="step"/>.</summary>
    public void Report(long step, float loss)
    {
        lock (gate)
        {
            if (firstStep < 0)
            {
                firstStep = step;
                firstAt = clock.Elapsed.TotalSeconds;
            }
            lastStep = step;
            losses.Add(loss);
        }
    }

    /// <summary>Copies the losses reported since index <paramref name="start"/> into <paramref name="into"/>.</summary>
    public void CopyLosses(int start, List<float> into)
    {
        lock (gate)
            for (int i = start; i < losses.Count; i++) into.Add(losses[i]);
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
