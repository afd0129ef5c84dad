using System.Globalization;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.PixelCnn;

/// <summary>
/// The PixelCNN window: the sample grid filling in raster order, pixel by pixel (left), the first
/// image enlarged with the pixel being drawn outlined, and the position, progress and keys (right).
/// </summary>
public sealed class PixelCnnScene : IChainScene<PixelCnnFrame>, IDisposable
{
    private PixelCnnFrame? frame;

    public PixelCnnScene(string title, int classes)
    {
        Title = title;
        Classes = classes;
    }

    public string Title { get; }

    public int Classes { get; }

    public RasterGridPanel Grid { get; } = new() { Title = "samples, raster order" };

    public RasterGridPanel Zoom { get; } = new() { Title = "image 0" };

    public TextPanel Info { get; } = new() { Title = "status" };

    public PixelCnnFrame? Frame => frame;

    public void Apply(PixelCnnFrame f)
    {
        frame = f;
        var all = f.Floats();
        int columns = f.Labels is { } l && Classes > 0 && l.Distinct().Count() > 1 && f.N % Classes == 0 ? Classes : 0;
        Grid.Update(all, f.N, 1, f.Height, f.Width, f.StepsDone, columns);
        Zoom.Update(all.AsSpan(0, f.Height * f.Width), 1, 1, f.Height, f.Width, f.StepsDone);
        Zoom.Title = f.Labels is { } labels ? $"image 0 (class {labels[0]})" : "image 0";
    }

    public void Draw(Renderer r, RectF area, double fps, ViewerState? state)
    {
        var body = SceneHeader.Draw(r, area, Title, frame?.StepsPerSecond ?? 0, "pixels", fps, state);
        var (left, right) = body.SplitLeft(0.58f);
        Grid.Draw(r, new RectF(left.X, left.Y, left.W - 4, left.H));
        var (zoomArea, infoArea) = right.SplitTopFraction(0.55f);
        Zoom.Draw(r, new RectF(zoomArea.X, zoomArea.Y, zoomArea.W, zoomArea.H - 4));
        Info.Show(r, infoArea, Lines(state));
    }

    private string[] Lines(ViewerState? state)
    {
        var f = frame;
        if (f is null) return ["waiting for the first pixel …"];
        var c = CultureInfo.InvariantCulture;
        double left = f.StepsPerSecond > 0 ? (f.StepCount - f.StepsDone) / f.StepsPerSecond : double.NaN;
        string where = f.Done
            ? "all pixels drawn"
            : string.Create(c, $"next pixel: row {f.StepsDone / f.Width}, column {f.StepsDone % f.Width}");
        string classes = f.Labels is null ? "unconditional" : f.Labels.Distinct().Count() == 1 ? $"class {f.Labels[0]}" : "image i: class i mod classes";
        return
        [
            string.Create(c, $"pixel {f.StepsDone} / {f.StepCount}  ({100.0 * f.StepsDone / f.StepCount:F0} %)   rows done {f.StepsDone / f.Width} / {f.Height}"),
            where,
            string.Create(c, $"{f.N} images 1×{f.Height}×{f.Width}   seed {f.Seed}   {classes}"),
            string.Create(c, $"speed {state?.SpeedText ?? "max"}   {(double.IsFinite(left) ? $"{left:F1} s to go" : "")}"),
            "~space pause   → one pixel   r new seed",
            "~← → scrub back and forth   Home first   End newest",
            "~+/− speed   s save PNG   esc quit",
        ];
    }

    public void Dispose()
    {
        Grid.Dispose();
        Zoom.Dispose();
        Info.Dispose();
    }
}
