namespace GpuGen.Viewer.Rendering;

/// <summary>
/// Drops the points of a polyline that change it by less than a tolerance (Ramer–Douglas–Peucker,
/// distance to the segment that would replace them). A software renderer pays for every triangle
/// (on llvmpipe the ᾱ curve's ~800 two-pixel segments cost 3–4 ms a frame); a smooth curve drawn
/// in pixels needs a few dozen, and a tolerance under half a pixel changes no pixel's coverage much.
/// </summary>
internal static class PolylineSimplifier
{
    /// <summary>
    /// The points of (xs[i], ys[i]) to draw so that every dropped point lies within
    /// <paramref name="tolerance"/> of the segment drawn in its place. Non-finite points break the
    /// line: each run of finite points is simplified on its own, and runs are separated by a NaN point.
    /// </summary>
    public static (float[] Xs, float[] Ys) Simplify(ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, float tolerance)
    {
        if (xs.Length != ys.Length) throw new ArgumentException($"{xs.Length} x values for {ys.Length} y values");
        int n = xs.Length;
        var keep = new bool[n];
        var pending = new Stack<(int A, int B)>();
        double tol2 = (double)tolerance * tolerance;
        for (int i = 0; i < n;)
        {
            if (!Finite(xs, ys, i))
            {
                i++;
                continue;
            }
            int start = i;
            while (i < n && Finite(xs, ys, i)) i++;
            keep[start] = keep[i - 1] = true;
            pending.Push((start, i - 1));
            while (pending.Count > 0)
            {
                var (a, b) = pending.Pop();
                if (b - a < 2) continue;
                int far = -1;
                double worst = tol2;
                for (int k = a + 1; k < b; k++)
                {
                    double d = SegmentDistance2(xs[k], ys[k], xs[a], ys[a], xs[b], ys[b]);
                    if (d > worst) (worst, far) = (d, k);
                }
                if (far < 0) continue;
                keep[far] = true;
                pending.Push((a, far));
                pending.Push((far, b));
            }
        }
        var ox = new List<float>();
        var oy = new List<float>();
        for (int i = 0; i < n; i++)
        {
            if (keep[i])
            {
                ox.Add(xs[i]);
                oy.Add(ys[i]);
            }
            else if (!Finite(xs, ys, i) && ox.Count > 0 && !float.IsNaN(ox[^1]))
            {
                ox.Add(float.NaN);
                oy.Add(float.NaN);
            }
        }
        return (ox.ToArray(), oy.ToArray());
    }

    /// <summary>
    /// For a series far denser than the pixels (a raw loss curve: many points a column), the span of
    /// y that the line through every point covers in each pixel column: the lowest and highest of
    /// the column's points and of the point before them (the segment into the column spans both),
    /// so drawing each span as a one-pixel bar covers what the full line covers, every spike
    /// included, with one rectangle a column instead of a segment a point. Non-finite points break
    /// the line: the span after a break starts afresh.
    /// </summary>
    public static List<(float Column, float Lo, float Hi)> ColumnSpans(ReadOnlySpan<float> xs, ReadOnlySpan<float> ys)
    {
        if (xs.Length != ys.Length) throw new ArgumentException($"{xs.Length} x values for {ys.Length} y values");
        var spans = new List<(float, float, float)>();
        float prevY = float.NaN;
        for (int i = 0; i < xs.Length;)
        {
            if (!Finite(xs, ys, i))
            {
                prevY = float.NaN;
                i++;
                continue;
            }
            float column = MathF.Floor(xs[i]);
            float lo = float.IsNaN(prevY) ? ys[i] : MathF.Min(prevY, ys[i]), hi = float.IsNaN(prevY) ? ys[i] : MathF.Max(prevY, ys[i]);
            for (; i < xs.Length && Finite(xs, ys, i) && MathF.Floor(xs[i]) == column; i++)
            {
                lo = MathF.Min(lo, ys[i]);
                hi = MathF.Max(hi, ys[i]);
                prevY = ys[i];
            }
            spans.Add((column, lo, hi));
        }
        return spans;
    }

    /// <summary>Squared distance from (px, py) to the segment (ax, ay)–(bx, by), in float64.</summary>
    internal static double SegmentDistance2(double px, double py, double ax, double ay, double bx, double by)
    {
        double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;
        double ex = ax + t * dx - px, ey = ay + t * dy - py;
        return ex * ex + ey * ey;
    }

    private static bool Finite(ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, int i) => float.IsFinite(xs[i]) && float.IsFinite(ys[i]);
}
