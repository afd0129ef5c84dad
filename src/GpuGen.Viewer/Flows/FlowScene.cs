using System.Globalization;
using GpuGen.Models.Flows;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Flows;

/// <summary>
/// The flow window, z → x side by side: the Gaussian sample z (left) and its image under the inverse
/// flow after the layers so far (right) — image grids for image flows, point clouds over the data for
/// 2-D toys — with the temperature, the layer and the keys below.
/// </summary>
public sealed class FlowScene : IChainScene<FlowFrame>, IDisposable
{
    private readonly FlowConfig config;
    private FlowFrame? frame;

    /// <summary>A scene for <paramref name="config"/>; toy flows take points of their data (x, y pairs) for the faint picture and the bounds.</summary>
    public FlowScene(FlowConfig config, string title, ReadOnlySpan<float> data = default)
    {
        this.config = config;
        Title = title;
        if (config.IsToy)
        {
            float extent = 3.5f;
            foreach (float v in data) if (float.IsFinite(v)) extent = MathF.Max(extent, MathF.Abs(v) * 1.1f);
            ZCloud = new PointCloudPanel { Title = "z ~ N(0, T^2 I)", Bounds = (-extent, extent) };
            XCloud = new PointCloudPanel { Title = "x", Bounds = (-extent, extent) };
            XCloud.SetData(data);
        }
        else
        {
            ZGrid = new SampleGridPanel { Title = "z ~ N(0, T^2 I)  (black −2.5 … white +2.5)", Low = -2.5f, High = 2.5f };
            XGrid = new SampleGridPanel { Title = "x", Low = 0, High = 1 };
        }
    }

    public string Title { get; }

    public SampleGridPanel? ZGrid { get; }

    public SampleGridPanel? XGrid { get; }

    public PointCloudPanel? ZCloud { get; }

    public PointCloudPanel? XCloud { get; }

    public TextPanel Info { get; } = new() { Title = "status" };

    public FlowFrame? Frame => frame;

    public void Apply(FlowFrame f)
    {
        frame = f;
        string title = f.Done ? "x = f^-1(z)" : $"after {f.StepsDone} of {f.StepCount} inverse layers";
        if (config.IsToy)
        {
            ZCloud!.Update(f.Z);
            XCloud!.Update(f.X);
            XCloud.Title = title + " over the data";
        }
        else
        {
            ZGrid!.Update(f.Z, f.N, config.Channels, config.Height, config.Width);
            XGrid!.Update(f.X, f.N, config.Channels, config.Height, config.Width);
            XGrid.Title = title;
        }
    }

    public void Draw(Renderer r, RectF area, double fps, ViewerState? state)
    {
        var body = SceneHeader.Draw(r, area, Title, frame?.StepsPerSecond ?? 0, "layers", fps, state);
        var (top, infoArea) = body.SplitTop(Math.Max(0, body.H - 5 * r.Font.LineHeight - 2 * Panel.TitleHeight));
        var (left, right) = top.SplitLeft(0.5f);
        var l = new RectF(left.X, left.Y, left.W - 4, left.H - 4);
        var rr = new RectF(right.X, right.Y, right.W, right.H - 4);
        if (config.IsToy)
        {
            ZCloud!.Draw(r, l);
            XCloud!.Draw(r, rr);
        }
        else
        {
            ZGrid!.Draw(r, l);
            XGrid!.Draw(r, rr);
        }
        Info.Show(r, infoArea, Lines(state));
    }

    private string[] Lines(ViewerState? state)
    {
        var f = frame;
        if (f is null) return ["waiting for z …"];
        var c = CultureInfo.InvariantCulture;
        string what = config.IsToy ? string.Create(c, $"{f.N:N0} points, data {config.Data}") : string.Create(c, $"{f.N} images {config.Channels}×{config.Height}×{config.Width}");
        return
        [
            string.Create(c, $"inverse layer {f.StepsDone} / {f.StepCount}   temperature T = {f.Temperature:0.##}   seed {f.Seed}"),
            string.Create(c, $"{config.Kind}: {config.CouplingCount} {(config.Kind == FlowConfig.Nice ? "additive" : "affine")} couplings{(config.Arch == FlowConfig.Conv ? " (multi-scale conv, inverted in one step)" : "")}, {what}"),
            string.Create(c, $"speed {state?.SpeedText ?? "max"}"),
            "~space pause   → one layer   r new z   +/− speed   s save PNG   esc quit",
            "~← → scrub back and forth through the layers   Home z   End newest",
        ];
    }

    public void Dispose()
    {
        ZGrid?.Dispose();
        XGrid?.Dispose();
        ZCloud?.Dispose();
        XCloud?.Dispose();
        Info.Dispose();
    }
}
