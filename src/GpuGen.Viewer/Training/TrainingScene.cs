using System.Globalization;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Training;

/// <summary>The training window: the latest sample grid (left), the loss curve raw and smoothed, and the numbers (right).</summary>
public sealed class TrainingScene : ITrainingScene
{
    private readonly TrainingMonitor monitor;
    private readonly CurveHistory history = new(1);
    private long gridStep = -1;

    public TrainingScene(TrainingMonitor monitor) => this.monitor = monitor;

    public SampleGridPanel Grid { get; } = new() { Title = "samples (EMA weights)" };

    public CurvePanel Loss { get; } = new() { Title = "training loss (raw, smoothed)", LogY = true };

    public TextPanel Info { get; } = new() { Title = "status" };

    /// <summary>Takes in what the training thread reported since the last frame.</summary>
    public bool Update()
    {
        bool changed = history.TakeIn(monitor);
        if (changed)
        {
            Loss.Clear();
            Loss.Add(history.Raw[0].ToArray(), Color.LightBlue.WithAlpha(0.35f), 1);
            Loss.Add(history.Smooth[0].ToArray(), Color.Orange, 2);
        }
        if (monitor.Grids.TryTake(out var g))
        {
            changed = true;
            Grid.Update(g.Images, g.N, g.Channels, g.Height, g.Width, g.Columns);
            Grid.Title = $"samples at step {g.Step} (EMA weights)";
            gridStep = g.Step;
        }
        return changed;
    }

    public void Draw(Renderer r, RectF area, double fps)
    {
        var body = SceneHeader.Draw(r, area, monitor.Title, monitor.StepsPerSecond, "steps", fps, null);
        var (left, right) = body.SplitLeft(0.5f);
        Grid.Draw(r, new RectF(left.X, left.Y, left.W - 4, left.H));
        var (lossArea, infoArea) = right.SplitTopFraction(0.68f);
        Loss.Draw(r, new RectF(lossArea.X, lossArea.Y, lossArea.W, lossArea.H - 4));
        var c = CultureInfo.InvariantCulture;
        Info.Update(
            string.Create(c, $"step {monitor.LastStep} / {monitor.TotalSteps}   ETA {monitor.Eta}"),
            history.Count > 0 ? string.Create(c, $"loss {history.Raw[0][^1]:F4}   smoothed {history.Smooth[0][^1]:F4}") : "waiting for the first step …",
            string.Create(c, $"{monitor.StepsPerSecond:F2} steps/s   {monitor.Seconds:F0} s elapsed"),
            gridStep >= 0 ? $"~grid from step {gridStep}" : "~the first grid comes after K steps (--view-every)",
            "~esc closes the window (training goes on)");
        Info.Draw(r, infoArea);
    }

    public void Dispose()
    {
        Grid.Dispose();
        Loss.Dispose();
        Info.Dispose();
    }
}
