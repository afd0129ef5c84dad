using System.Globalization;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;
using GpuGen.Viewer.Training;

namespace GpuGen.Viewer.Gan;

/// <summary>
/// The GAN training window: G's samples from one fixed z as training goes on (left; a point cloud over
/// the data for 2-D toys), the D and G losses (raw faint, smoothed bold) and D(real), D(fake) (right).
/// </summary>
public sealed class GanTrainingScene : ITrainingScene
{
    private readonly GanTrainingMonitor monitor;
    private readonly CurveHistory history = new(GanTrainingMonitor.Names.Length);
    private long samplesStep = -1;
    private bool points;

    /// <summary>A window on <paramref name="monitor"/>; a toy GAN passes points of its data ((x, y) pairs) for the faint picture.</summary>
    public GanTrainingScene(GanTrainingMonitor monitor, ReadOnlySpan<float> data = default)
    {
        this.monitor = monitor;
        if (!data.IsEmpty)
        {
            float extent = 3.5f;
            foreach (float v in data) if (float.IsFinite(v)) extent = MathF.Max(extent, MathF.Abs(v) * 1.1f);
            Cloud.Bounds = (-extent, extent);
            Cloud.SetData(data);
        }
    }

    public SampleGridPanel Grid { get; } = new() { Title = "G(z), fixed z" };

    public PointCloudPanel Cloud { get; } = new() { Title = "G(z), fixed z, over the data" };

    public CurvePanel Losses { get; } = new() { Title = "D loss (orange), G loss (blue)" };

    public CurvePanel Outputs { get; } = new() { Title = "D(real) (green), D(fake) (red)", YRange = (0, 1) };

    public TextPanel Info { get; } = new() { Title = "status" };

    public bool Update()
    {
        bool changed = history.TakeIn(monitor);
        if (changed)
        {
            var (raw, smooth) = (history.Raw, history.Smooth);
            Losses.Clear();
            Losses.Add(raw[0].ToArray(), Color.Orange.WithAlpha(0.3f), 1);
            Losses.Add(raw[1].ToArray(), Color.LightBlue.WithAlpha(0.3f), 1);
            Losses.Add(smooth[0].ToArray(), Color.Orange, 2);
            Losses.Add(smooth[1].ToArray(), Color.LightBlue, 2);
            Outputs.Clear();
            Outputs.Add(smooth[2].ToArray(), Color.Green, 2);
            Outputs.Add(smooth[3].ToArray(), Color.Red, 2);
        }
        if (monitor.Samples.TryTake(out var s))
        {
            changed = true;
            points = s.Points;
            if (s.Points) Cloud.Update(s.Values);
            else Grid.Update(s.Values, s.N, 1, s.Height, s.Width, s.Columns);
            (s.Points ? (Panel)Cloud : Grid).Title = $"G(z) at step {s.Step}, fixed z{(s.Points ? ", over the data" : "")}";
            samplesStep = s.Step;
        }
        return changed;
    }

    public void Draw(Renderer r, RectF area, double fps)
    {
        var body = SceneHeader.Draw(r, area, monitor.Title, monitor.StepsPerSecond, "steps", fps, null);
        var (left, right) = body.SplitLeft(0.5f);
        var l = new RectF(left.X, left.Y, left.W - 4, left.H);
        if (points) Cloud.Draw(r, l);
        else Grid.Draw(r, l);
        var (lossArea, rest) = right.SplitTopFraction(0.45f);
        var (outArea, infoArea) = rest.SplitTopFraction(0.5f);
        Losses.Draw(r, new RectF(lossArea.X, lossArea.Y, lossArea.W, lossArea.H - 4));
        Outputs.Draw(r, new RectF(outArea.X, outArea.Y, outArea.W, outArea.H - 4));
        var c = CultureInfo.InvariantCulture;
        var smooth = history.Smooth;
        Info.Update(
            string.Create(c, $"step {monitor.LastStep} / {monitor.TotalSteps}   ETA {monitor.Eta}   {monitor.Seconds:F0} s elapsed"),
            history.Count > 0
                ? string.Create(c, $"D {smooth[0][^1]:F3}  G {smooth[1][^1]:F3}  D(real) {smooth[2][^1]:F2}  D(fake) {smooth[3][^1]:F2}")
                : "waiting for the first step …",
            samplesStep >= 0 ? $"~samples from step {samplesStep}" : "~the first samples come after K steps (--view-every)",
            "~esc closes the window (training goes on)");
        Info.Draw(r, infoArea);
    }

    public void Dispose()
    {
        Grid.Dispose();
        Cloud.Dispose();
        Losses.Dispose();
        Outputs.Dispose();
        Info.Dispose();
    }
}
