using System.Diagnostics;
using System.Globalization;
using GpuGen.Training;

namespace GpuGen.Viewer.Training;

/// <summary>
/// What a training loop tells its window, from the training thread: the run's series
/// (<see cref="Begin"/>), one value per series at each optimisation step, and now and then a preview
/// of the model through a newest-wins queue. Thread-safe; the training thread never waits on the display.
/// </summary>
public sealed class TrainingMonitor(long totalSteps, string title)
{
    private readonly object gate = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private IReadOnlyList<TrainingSeries> series = [];
    private List<float>[] curves = [];
    private long firstStep = -1, lastStep;
    private double firstAt;

    public long TotalSteps { get; } = totalSteps;

    public string Title { get; } = title;

    /// <summary>The previews the loop posts (<see cref="ITrainingRun.Preview"/>); the window takes the newest.</summary>
    public FrameQueue<TrainingPreview> Previews { get; } = new(2);

    /// <summary>What each step reports (empty until the run has begun).</summary>
    public IReadOnlyList<TrainingSeries> Series
    {
        get
        {
            lock (gate) return series;
        }
    }

    /// <summary>The run's series, once, before its first step.</summary>
    public void Begin(IReadOnlyList<TrainingSeries> runSeries)
    {
        lock (gate)
        {
            if (series.Count > 0) throw new InvalidOperationException("the monitor has begun already");
            series = runSeries;
            curves = runSeries.Select(_ => new List<float>()).ToArray();
        }
    }

    /// <summary>Records optimisation step <paramref name="step"/>: one value per series, in order.</summary>
    public void Report(long step, params ReadOnlySpan<float> values)
    {
        lock (gate)
        {
            if (values.Length != curves.Length) throw new ArgumentException($"{curves.Length} series values expected, got {values.Length}", nameof(values));
            if (firstStep < 0)
            {
                firstStep = step;
                firstAt = clock.Elapsed.TotalSeconds;
            }
            lastStep = step;
            for (int k = 0; k < values.Length; k++) curves[k].Add(values[k]);
        }
    }

    /// <summary>Appends the values of series <paramref name="k"/> reported since index <paramref name="start"/> to <paramref name="into"/>.</summary>
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
