using System.Globalization;
using GpuGen.Training;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Training;

/// <summary>
/// The training window of every family: the newest preview of the model (left: a sample grid, or 2-D
/// points over the data), one curve per series the run reports, raw faint and smoothed bold, and the
/// numbers (right).
/// </summary>
public sealed class TrainingScene(TrainingMonitor monitor) : ITrainingScene
{
    private static readonly Color[] Palette = [Color.Orange, Color.LightBlue, Color.Green, Color.Red];
    private readonly CurveHistory history = new();
    private float[]? backdrop;
    private long previewStep = -1;
    private bool points;

    public SampleGridPanel Grid { get; } = new() { Title = "samples" };

    public PointCloudPanel Cloud { get; } = new() { Title = "samples" };

    /// <summary>One panel per series, in the run's order (empty until the run has begun).</summary>
    public IReadOnlyList<CurvePanel> Curves { get; private set; } = [];

    public TextPanel Info { get; } = new() { Title = "status" };

    /// <summary>Takes in what the training thread reported since the last frame.</summary>
    public bool Update()
    {
        var series = monitor.Series;
        if (Curves.Count != series.Count)
        {
            foreach (var panel in Curves) panel.Dispose();
            Curves = series.Select(s => new CurvePanel { Title = $"{s.Title} (raw, smoothed)", LogY = s.LogScale }).ToArray();
        }
        bool changed = history.TakeIn(monitor);
        if (changed)
            for (int k = 0; k < Curves.Count; k++)
            {
                var color = Palette[k % Palette.Length];
                Curves[k].Clear();
                Curves[k].Add(history.Raw[k].ToArray(), color.WithAlpha(0.3f), 1);
                Curves[k].Add(history.Smooth[k].ToArray(), color, 2);
            }
        if (monitor.Previews.TryTake(out var p))
        {
            changed = true;
            Show(p);
        }
        return changed;
    }

    private void Show(TrainingPreview p)
    {
        points = p.Points;
        if (p.Points)
        {
            if (p.Backdrop is not null && !ReferenceEquals(p.Backdrop, backdrop))
            {
                backdrop = p.Backdrop;
                float extent = 3.5f;
                foreach (float v in backdrop) if (float.IsFinite(v)) extent = MathF.Max(extent, MathF.Abs(v) * 1.1f);
                Cloud.Bounds = (-extent, extent);
                Cloud.SetData(backdrop);
            }
            Cloud.Update(p.Values);
        }
        else
        {
            (Grid.Low, Grid.High) = (p.Low, p.High);
            Grid.Update(p.Values, p.Count, p.Channels, p.Height, p.Width, p.Columns);
        }
        (p.Points ? (Panel)Cloud : Grid).Title = $"{p.Caption} at step {p.Step}{(p.Backdrop is null ? "" : ", over the data")}";
        previewStep = p.Step;
    }

    public void Draw(Renderer r, RectF area, double fps)
    {
        var body = SceneHeader.Draw(r, area, monitor.Title, monitor.StepsPerSecond, "steps", fps, null);
        var (left, right) = body.SplitLeft(0.5f);
        var l = new RectF(left.X, left.Y, left.W - 4, left.H);
        if (points) Cloud.Draw(r, l);
        else Grid.Draw(r, l);
        var (curveArea, infoArea) = right.SplitTopFraction(Curves.Count > 1 ? 0.75f : 0.68f);
        for (int k = 0; k < Curves.Count; k++)
        {
            var (top, rest) = curveArea.SplitTopFraction(1f / (Curves.Count - k));
            Curves[k].Draw(r, new RectF(top.X, top.Y, top.W, top.H - 4));
            curveArea = rest;
        }
        var c = CultureInfo.InvariantCulture;
        var series = monitor.Series;
        Info.Update(
            string.Create(c, $"step {monitor.LastStep} / {monitor.TotalSteps}   ETA {monitor.Eta}   {monitor.Seconds:F0} s elapsed"),
            history.Count > 0
                ? string.Join("  ", series.Select((s, k) => string.Create(c, $"{s.Name} {history.Smooth[k][^1]:G4}")))
                : "waiting for the first step …",
            string.Create(c, $"{monitor.StepsPerSecond:F2} steps/s"),
            previewStep >= 0 ? $"~samples from step {previewStep}" : "~the first samples come after the first step, then every K steps (--view-every)",
            "~esc closes the window (training goes on)");
        Info.Draw(r, infoArea);
    }

    public void Dispose()
    {
        Grid.Dispose();
        Cloud.Dispose();
        foreach (var panel in Curves) panel.Dispose();
        Info.Dispose();
    }
}
