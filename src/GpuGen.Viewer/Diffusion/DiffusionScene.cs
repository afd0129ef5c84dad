using System.Globalization;
using GpuGen.Models.Diffusion;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Diffusion;

/// <summary>
/// The image-diffusion window: the sample grid denoising live (left), the chain strip x_T … x₀, the
/// ᾱ curve with the current timestep marked, and the numbers and keys (right), under a status line.
/// </summary>
public sealed class DiffusionScene : IChainScene<DiffusionFrame>, IDisposable
{
    private readonly NoiseSchedule schedule;
    private readonly int classes;
    private DiffusionFrame? frame;

    public DiffusionScene(NoiseSchedule schedule, int classes, string title)
    {
        this.schedule = schedule;
        this.classes = classes;
        Title = title;
        Alpha.Add(schedule.AlphaBars.Select(a => (float)a).ToArray(), Color.LightBlue, 2);
        Alpha.YRange = (0, 1);
    }

    public string Title { get; }

    public SampleGridPanel Grid { get; } = new() { Title = "samples" };

    public ChainStripPanel Chain { get; } = new() { Title = "reverse chain  x_T → x₀ (labels: t)" };

    public CurvePanel Alpha { get; } = new() { Title = "ᾱ_t (noise schedule)" };

    public TextPanel Info { get; } = new() { Title = "status" };

    public DiffusionFrame? Frame => frame;

    /// <summary>Shows a new chain state (render thread).</summary>
    public void Apply(DiffusionFrame f)
    {
        frame = f;
        Grid.Update(f.X, f.N, f.Channels, f.Height, f.Width, classes > 0 && f.ClassIndex < 0 && f.N % classes == 0 ? classes : 0);
        if (f.Chain.Count > 0) Chain.Update(f.Chain, f.ChainLabels, f.ChainRows, f.Channels, f.Height, f.Width, ChainSlots(f));
        (Alpha.Marker, Alpha.MarkerLabel) = f.ScheduleMarker;
    }

    private static int ChainSlots(DiffusionFrame f) => Math.Max(f.Chain.Count, Math.Min(10, f.StepCount + 1));

    /// <summary>Draws the whole window; <paramref name="fps"/> is the display's frames/s.</summary>
    public void Draw(Renderer r, RectF area, double fps, ViewerState? state)
    {
        var body = SceneHeader.Draw(r, area, Title, frame?.StepsPerSecond ?? double.NaN, "steps", fps, state);
        var (left, right) = body.SplitLeft(0.58f);
        Grid.Draw(r, new RectF(left.X, left.Y, left.W - 4, left.H));
        var (chainArea, rest) = right.SplitTopFraction(0.42f);
        var (alphaArea, infoArea) = rest.SplitTopFraction(0.45f);
        Chain.Draw(r, new RectF(chainArea.X, chainArea.Y, chainArea.W, chainArea.H - 4));
        Alpha.Draw(r, new RectF(alphaArea.X, alphaArea.Y, alphaArea.W, alphaArea.H - 4));
        Info.Show(r, infoArea, Lines(state));
    }

    private string[] Lines(ViewerState? state)
    {
        var f = frame;
        if (f is null) return ["waiting for the first step …"];
        var c = CultureInfo.InvariantCulture;
        string where = f.Where;
        string cls = classes == 0 ? "unconditional" : string.Create(c, $"class {(f.ClassIndex < 0 ? "all" : f.ClassIndex.ToString(c))}   guidance w = {f.Guidance:0.0}");
        return
        [
            string.Create(c, $"step {f.StepsDone} / {f.StepCount}   {f.Sampler.ToUpperInvariant()}   seed {f.Seed}"),
            where,
            cls,
            string.Create(c, $"speed {state?.SpeedText ?? "max"}   {f.N} images {f.Channels}×{f.Height}×{f.Width}"),
            "~space pause   → step   r new seed   d DDPM/DDIM",
            "~← → scrub the chain   Home x_T   End newest",
            classes > 0 ? "~c class   g/G guidance   +/− speed   s save   esc quit" : "~+/− speed   s save PNG   esc quit",
        ];
    }

    public void Dispose()
    {
        Grid.Dispose();
        Chain.Dispose();
        Alpha.Dispose();
        Info.Dispose();
    }
}
