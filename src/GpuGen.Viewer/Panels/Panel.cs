using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>
/// One rectangle of the window: a title bar and content. Panels keep what they show (updated on the
/// render thread between frames) and draw it into whatever area the layout gives them, so any model
/// family can compose its own window from them.
/// </summary>
public abstract class Panel : IDisposable
{
    public const float TitleHeight = 22;

    public string Title { get; set; } = "";

    /// <summary>The content area of the last draw (below the title), for layout-aware tests.</summary>
    public RectF Content { get; private set; }

    public void Draw(Renderer r, RectF area)
    {
        if (!r.Claim(area, Color.PanelBackground)) r.FillRect(area, Color.PanelBackground);
        var content = area.Inset(6);
        if (Title.Length > 0)
        {
            r.Text(Title, content.X, content.Y, Color.DimText);
            content = content.SplitTop(TitleHeight).Remainder;
        }
        Content = content;
        if (content.W > 4 && content.H > 4) DrawContent(r, content);
    }

    protected abstract void DrawContent(Renderer r, RectF area);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }
}
