using System.Globalization;
using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Stepping;

/// <summary>The line above every stepped scene: the title on the left; paused, steps/s and frames/s on the right.</summary>
public static class SceneHeader
{
    /// <summary>
    /// Draws the line (on the window's background; it claims its area, see <see cref="Renderer.Claim"/>)
    /// and returns the area under it (inset for the panels); <paramref name="stepsPerSecond"/> NaN: not known yet.
    /// </summary>
    public static RectF Draw(Renderer r, RectF area, string title, double stepsPerSecond, string unit, double fps, ViewerState? state)
    {
        var (top, body) = area.SplitTop(28);
        if (!r.Claim(top, Color.Background)) r.FillRect(top, Color.Background);
        r.Text(title, top.X + 8, top.Y + 6, Color.Text);
        var c = CultureInfo.InvariantCulture;
        string status = (state?.Scrub is { } k ? string.Create(c, $"SCRUBBING step {k}  ") : state?.Paused == true ? "PAUSED  " : "") + (double.IsNaN(stepsPerSecond) ? "" : string.Create(c, $"{stepsPerSecond:F1} {unit}/s"))
            + (fps > 0 ? string.Create(c, $"  {fps:F0} frames/s") : "");
        r.Text(status, top.Right - 8 - r.Font.Measure(status), top.Y + 6, Color.DimText);
        return body.Inset(4);
    }
}
