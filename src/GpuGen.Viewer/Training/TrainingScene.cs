using System.Globalization;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Training;

/// <summary>The training window: the latest sample grid (left), the loss curve raw and smoothed, and the numbers (right).</summary>
public sealed class TrainingScene : ITrainingScene
{
    private readonly TrainingMonitor monitor;
    private readonly List<float> raw = new();
    private readonly List<float> smooth = new();
    private double ema = double.NaN;
    private long gridStep = -1;

    public TrainingScene(TrainingMonitor monitor) => this.monitor = monitor;

    public SampleGridPanel Grid { get; } = new() { Title = "samples (EMA weights)" };

    public CurvePanel Loss { get; } = new() { Title = "training loss (raw, smoothed)", LogY = true };

    public TextPanel Info { get; } = new() { Title = "status" };

    /// <summary>Takes in what the training thread reported since the last frame.</summary>
    public void Update()
    {
        int before = raw.Count;
        monitor.CopyLosses(before, raw);
        for (int i = before; i < raw.Count; i++)
        {
            ema = double.IsNaN(ema) ? raw[i] : 0.98 * ema + 0.02 * raw[i];
            smooth.Add((float)ema);
        }
        if (raw.Count != before)
        {
            Loss.Clear();
            Loss.Add(raw.ToArray(), Color.LightBlue.WithAlpha(0.35f), 1);
            Loss.Add(smooth.ToArray(), Color.Orange, 2);
        }
        if (monitor.Grids.TryTake(out var g))
        {
            Grid.Update(g.Images, g.N, g.Channels, g.Height, g.Width, g.Columns);
            Grid.Title = $"samples at step {g.Step} (EMA weights)";
            gridStep = g.Step;
        }
    }

    public void Draw(Renderer r, RectF area, double fps)
    {
        var (top, body) = area.SplitTop(28);
        r.Text(monitor.Title, top.X + 8, top.Y + 6, Color.Text);
        string status = string.Create(CultureInfo.InvariantCulture, $"{monitor.StepsPerSecond:F2} steps/s  {fps:F0} frames/s");
        r.Text(status, top.Right - 8 - r.Font.Measure(status), top.Y + 6, Color.DimText);
        body = body.Inset(4);
        var (left, right) = body.SplitLeft(0.5f);
        Grid.Draw(r, new RectF(left.X, left.Y, left.W - 4, left.H));
        var (lossArea, infoArea) = right.SplitTopFraction(0.68f);
        Loss.Draw(r, new RectF(lossArea.X, lossArea.Y, lossArea.W, lossArea.H - 4));
        var c = CultureInfo.InvariantCulture;
        long step = monitor.LastStep;
        double sps = monitor.StepsPerSecond;
        string eta = sps > 0 ? TimeSpan.FromSeconds((monitor.TotalSteps - step) / sps).ToString(@"hh\:mm\:ss", c) : "…";
        Info.Update(
            string.Create(c, $"step {step} / {monitor.TotalSteps}   ETA {eta}"),
            raw.Count > 0 ? string.Create(c, $"loss {raw[^1]:F4}   smoothed {smooth[^1]:F4}") : "waiting for the first step …",
            string.Create(c, $"{sps:F2} steps/s   {monitor.Seconds:F0} s elapsed"),
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
