using System.Diagnostics;
using System.Globalization;

namespace GpuGen.Viewer.Training;

/// <summary>
/// What a training loop tells its window, from the training thread: one value per curve at each
/// optimisation step, and now and then a picture (<typeparamref name="TFrame"/>) through a newest-wins
/// queue. Thread-safe; the training thread never waits on the display.
/// </summary>
public abstract class CurveMonitor<TFrame> where TFrame : class
{
    private readonly object gate = new();
    private readonly List<float>[] curves;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long firstStep = -1, lastStep;
    private double firstAt;

    protected CurveMonitor(int curveCount, long totalSteps, string title)
    {
        curves = new List<float>[curveCount];
        for (int k = 0; k < curveCount; k++) curves[k] = new List<float>();
        TotalSteps = totalSteps;
        Title = title;
    }

    public long TotalSteps { get; }

    public string Title { get; }

    /// <summary>The pictures the loop posts (sample grids from the current weights); the window takes the newest.</summary>
    public FrameQueue<TFrame> Frames { get; } = new(2);

    /// <summary>Records optimisation step <paramref name="step"/>: one value for each curve, in order.</summary>
    protected void Record(long step, params ReadOnlySpan<float> values)
    {
        if (values.Length != curves.Length) throw new ArgumentException($"{curves.Length} curve values expected, got {values.Length}", nameof(values));
        lock (gate)
        {
            if (firstStep < 0)
            {
                firstStep = step;
                firstAt = clock.Elapsed.TotalSeconds;
            }
            lastStep = step;
            for (int k = 0; k < values.Length; k++) curves[k].Add(values[k]);
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

    /// <summary>Time left at the current rate as hh:mm:ss ("…" until the rate is known).</summary>
    public string Eta
    {
        get
        {
            double sps = StepsPerSecond;
            return sps > 0 ? TimeSpan.FromSeconds((TotalSteps - LastStep) / sps).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "…";
        }
    }
}
