using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>Lines of text (status, numbers, key help); a line may be dimmed by starting it with '~'.</summary>
public sealed class TextPanel : Panel
{
    private string[] lines = [];

    public void Update(params string[] newLines) => lines = newLines;

    /// <summary>Takes new lines and draws them: a scene's status panel each frame.</summary>
    public void Show(Renderer r, RectF area, string[] newLines)
    {
        lines = newLines;
        Draw(r, area);
    }

    protected override void DrawContent(Renderer r, RectF area)
    {
        float y = area.Y;
        foreach (var line in lines)
        {
            if (y + r.Font.LineHeight > area.Bottom + 1) break;
            bool dim = line.StartsWith('~');
            r.Text(dim ? line[1..] : line, area.X, y, dim ? Color.DimText : Color.Text);
            y += r.Font.LineHeight;
        }
    }
}
