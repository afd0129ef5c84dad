using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer.Panels;

/// <summary>
/// Snapshots of the reverse chain: one column per snapshot (x_T on the left, x₀ on the right), one
/// row per image followed, each column labelled with its timestep.
/// </summary>
public sealed class ChainStripPanel : Panel
{
    private readonly ImageTiles tiles = new();
    private string[] labels = [];
    private int columns;
    private float[][] shown = [];
    private (int Rows, int Channels, int Height, int Width, int Slots) shownShape;

    /// <summary>
    /// Sets the strip: <paramref name="snapshots"/>[k] holds <paramref name="rows"/> images of C×H×W at
    /// the k-th snapshot, labelled <paramref name="columnLabels"/>[k]; <paramref name="slots"/> columns
    /// are reserved so the strip does not jump while it fills. Snapshots are taken as immutable: the
    /// same arrays (by reference), labels and shape as last time leave the strip as it is, so a
    /// sampler may send its whole chain with every step at no cost.
    /// </summary>
    public void Update(IReadOnlyList<float[]> snapshots, IReadOnlyList<string> columnLabels, int rows, int channels, int height, int width, int slots)
    {
        if (Unchanged(snapshots, columnLabels, (rows, channels, height, width, slots))) return;
        shown = snapshots.ToArray();
        shownShape = (rows, channels, height, width, slots);
        columns = Math.Max(slots, snapshots.Count);
        if (columns == 0 || rows == 0) return;
        int per = channels * height * width;
        var all = new float[rows * columns * per];
        Array.Fill(all, float.NegativeInfinity);
        for (int k = 0; k < snapshots.Count; k++)
            for (int row = 0; row < rows; row++)
                snapshots[k].AsSpan(row * per, per).CopyTo(all.AsSpan((row * columns + k) * per, per));
        tiles.Set(all, rows * columns, channels, height, width, columns);
        tiles.FilledColumns = snapshots.Count;
        labels = columnLabels.Select(l => Short(l).ToString()).ToArray();
    }

    private bool Unchanged(IReadOnlyList<float[]> snapshots, IReadOnlyList<string> columnLabels, (int, int, int, int, int) shape)
    {
        if (shape != shownShape || snapshots.Count != shown.Length || columnLabels.Count != labels.Length) return false;
        for (int k = 0; k < shown.Length; k++)
            if (!ReferenceEquals(snapshots[k], shown[k])) return false;
        for (int k = 0; k < labels.Length; k++)
            if (!Short(columnLabels[k]).SequenceEqual(labels[k])) return false;
        return true;
    }

    private static ReadOnlySpan<char> Short(string label) => label.StartsWith("t=", StringComparison.Ordinal) ? label.AsSpan(2) : label;

    protected override void DrawContent(Renderer r, RectF area)
    {
        var (grid, footer) = area.SplitTop(Math.Max(0, area.H - r.Font.LineHeight));
        var drawn = tiles.Draw(r, grid);
        if (tiles.Count == 0) return;
        float free = float.NegativeInfinity;
        for (int k = 0; k < labels.Length && k < columns; k++)
        {
            // Labels that would run into the one before are left out (narrow windows).
            var tile = tiles.Tiles[k];
            float w = r.Font.Measure(labels[k]), x = MathF.Round(tile.X + (tile.W - w) / 2);
            if (x < free && k != labels.Length - 1) continue;
            r.Text(labels[k], x, drawn.Bottom + 2, Color.DimText);
            free = x + w + 6;
        }
        _ = footer;
    }

    public override void Dispose()
    {
        tiles.Dispose();
        base.Dispose();
    }
}
