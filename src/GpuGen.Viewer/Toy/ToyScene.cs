using System.Globalization;
using GpuGen.Models.Diffusion;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Toy;

/// <summary>
/// The 2-D toy window: the point cloud flowing from the Gaussian to the data over a faint picture
/// of the data (left), the ᾱ curve with the current timestep marked and the numbers and keys
/// (right), under a status line.
/// </summary>
public sealed class ToyScene : IChainScene<ToyFrame>, IDisposable
{
    private ToyFrame? frame;

    /// <summary>A scene over <paramref name="data"/>: points of the data distribution ((x, y) pairs) for the faint picture; they also set the view's bounds.</summary>
    public ToyScene(NoiseSchedule schedule, ReadOnlySpan<float> data, string dataName, string title)
    {
        Title = title;
        DataName = dataName;
        float extent = 3.5f;
        foreach (float v in data) if (float.IsFinite(v)) extent = MathF.Max(extent, MathF.Abs(v) * 1.1f);
        Cloud.Bounds = (-extent, extent);
        Cloud.SetData(data);
        Alpha.Add(schedule.AlphaBars.Select(a => (float)a).ToArray(), Color.LightBlue, 2);
        Alpha.YRange = (0, 1);
    }

    public string Title { get; }

    public string DataName { get; }

    public PointCloudPanel Cloud { get; } = new() { Title = "samples over the data" };

    public CurvePanel Alpha { get; } = new() { Title = "ᾱ_t (noise schedule)" };

    public TextPanel Info { get; } = new() { Title = "status" };

    public ToyFrame? Frame => frame;

    /// <summary>Shows a new chain state (render thread).</summary>
    public void Apply(ToyFrame f)
    {
        frame = f;
        Cloud.Update(f.Points);
        (Alpha.Marker, Alpha.MarkerLabel) = f.ScheduleMarker;
    }

    /// <summary>Draws the whole window; <paramref name="fps"/> is the display's frames/s.</summary>
    public void Draw(Renderer r, RectF area, double fps, ViewerState? state)
    {
        var body = SceneHeader.Draw(r, area, Title, frame?.StepsPerSecond ?? double.NaN, "steps", fps, state);
        var (left, right) = body.SplitLeft(0.58f);
        Cloud.Draw(r, new RectF(left.X, left.Y, left.W - 4, left.H));
        var (alphaArea, infoArea) = right.SplitTopFraction(0.5f);
        Alpha.Draw(r, new RectF(alphaArea.X, alphaArea.Y, alphaArea.W, alphaArea.H - 4));
        Info.Show(r, infoArea, Lines(state));
    }

    private string[] Lines(ViewerState? state)
    {
        var f = frame;
        if (f is null) return ["waiting for the first step …"];
        var c = CultureInfo.InvariantCulture;
        string where = f.Where;
        return
        [
            string.Create(c, $"step {f.StepsDone} / {f.StepCount}   {f.Sampler.ToUpperInvariant()}   seed {f.Seed}"),
            where,
            string.Create(c, $"{f.N:N0} points   data: {DataName}"),
            string.Create(c, $"speed {state?.SpeedText ?? "max"}"),
            "~space pause   → step   r new seed   d DDPM/DDIM",
            "~← → scrub the chain   Home x_T   End newest",
            "~+/− speed   s save PNG   esc quit",
        ];
    }

    public void Dispose()
    {
        Cloud.Dispose();
        Alpha.Dispose();
        Info.Dispose();
    }
}
