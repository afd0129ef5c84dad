using GpuGen.Tests.Support;
using GpuGen.Viewer.Rendering;

namespace GpuGen.Tests.Viewer;

/// <summary>
/// Polyline simplification keeps every dropped point within the tolerance of the segment drawn in
/// its place (checked in float64 against the original points), keeps the ends of every run and the
/// breaks between runs, and shrinks smooth curves to a few points.
/// </summary>
public sealed class PolylineSimplifierTests
{
    [Theory]
    [InlineData(0.3f)]
    [InlineData(1.0f)]
    [InlineData(0.05f)]
    public void DroppedPointsStayWithinTheToleranceAndBreaksStay(float tolerance)
    {
        var rng = new System.Random(TestData.Seed((long)MathF.Round(tolerance * 1000)));
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(2, 900);
            var xs = new float[n];
            var ys = new float[n];
            double phase = rng.NextDouble() * 6, freq = rng.NextDouble() * 0.05, noise = rng.NextDouble() < 0.5 ? 0 : rng.NextDouble() * 3;
            for (int i = 0; i < n; i++)
            {
                // Mostly increasing x with occasional backtracking; smooth or noisy y; a few gaps.
                xs[i] = (float)(i * 0.5 + (rng.NextDouble() < 0.05 ? -rng.NextDouble() * 20 : 0));
                ys[i] = (float)(100 + 80 * Math.Sin(phase + freq * i) + noise * (rng.NextDouble() - 0.5));
                if (rng.NextDouble() < 0.01) ys[i] = float.NaN;
            }
            var (sx, sy) = PolylineSimplifier.Simplify(xs, ys, tolerance);
            Assert.Equal(sx.Length, sy.Length);

            // Walk the original runs and the simplified ones side by side: same runs, same ends.
            var runs = Runs(xs, ys);
            var kept = Runs(sx, sy);
            Assert.Equal(runs.Count, kept.Count);
            for (int k = 0; k < runs.Count; k++)
            {
                var (a, b) = runs[k];
                var (ka, kb) = kept[k];
                Assert.Equal((xs[a], ys[a]), (sx[ka], sy[ka]));
                Assert.Equal((xs[b], ys[b]), (sx[kb], sy[kb]));
                // Every original point of the run lies within tolerance of the kept segment spanning it
                // (kept points are a subsequence of the run, in order).
                int seg = ka;
                for (int i = a; i <= b; i++)
                {
                    if (seg < kb && xs[i] == sx[seg + 1] && ys[i] == sy[seg + 1] && i > a) seg++;
                    int s0 = Math.Min(seg, kb - (kb > ka ? 1 : 0)), s1 = Math.Min(s0 + 1, kb);
                    double d = Math.Sqrt(PolylineSimplifier.SegmentDistance2(xs[i], ys[i], sx[s0], sy[s0], sx[s1], sy[s1]));
                    Assert.True(d <= tolerance + 1e-4, $"trial {trial}: point {i} ({xs[i]}, {ys[i]}) is {d:F4} px from the segment drawn for it (tolerance {tolerance})");
                }
            }
        }
    }

    [Fact]
    public void SmoothCurvesShrinkAndLinesBecomeTheirEnds()
    {
        var xs = Enumerable.Range(0, 1000).Select(i => i * 0.44f).ToArray();
        var line = xs.Select(x => 3 + 0.25f * x).ToArray();
        var (lx, ly) = PolylineSimplifier.Simplify(xs, line, 0.3f);
        Assert.Equal([xs[0], xs[^1]], lx);
        Assert.Equal([line[0], line[^1]], ly);

        var schedule = GpuGen.Models.Diffusion.NoiseSchedule.Cosine();
        var curve = xs.Select((_, i) => (float)(40 + 250 * (1 - schedule.AlphaBars[i]))).ToArray();
        var (cx, _) = PolylineSimplifier.Simplify(xs, curve, 0.3f);
        Assert.InRange(cx.Length, 3, 60);
    }

    [Fact]
    public void ColumnSpansCoverWhatTheLineThroughEveryPointCovers()
    {
        var rng = new System.Random(77);
        for (int trial = 0; trial < 10; trial++)
        {
            // Spans are for series denser than the pixels (the panel uses them past two points a column).
            int width = rng.Next(1, 500), n = rng.Next(2 * width, 20_000);
            var xs = new float[n];
            var ys = new float[n];
            for (int i = 0; i < n; i++)
            {
                xs[i] = 10.5f + (float)i * width / n;
                ys[i] = rng.NextDouble() < 0.002 ? float.NaN : (float)(200 + 50 * Math.Sin(i * 0.001) + 40 * (rng.NextDouble() - 0.5) + (rng.NextDouble() < 0.001 ? 150 : 0));
            }
            var spans = PolylineSimplifier.ColumnSpans(xs, ys);
            // Reference, in float64: every segment between consecutive finite points, sampled finely,
            // must fall inside the span of the column it passes through.
            for (int i = 0; i < n; i++)
            {
                if (float.IsNaN(ys[i])) continue;
                bool joined = i > 0 && !float.IsNaN(ys[i - 1]);
                int steps = joined ? 16 : 0;
                for (int k = 0; k <= steps; k++)
                {
                    double t = steps == 0 ? 1 : (double)k / steps;
                    double x = joined ? xs[i - 1] + t * (xs[i] - xs[i - 1]) : xs[i];
                    double y = joined ? ys[i - 1] + t * (ys[i] - ys[i - 1]) : ys[i];
                    // Within a pixel: the part of a segment left of a column boundary may be drawn in the bar right of it.
                    bool covered = spans.Any(s => (s.Column == Math.Floor(x) || s.Column == Math.Floor(x) + 1) && s.Lo - 1e-3 <= y && y <= s.Hi + 1e-3);
                    Assert.True(covered, $"trial {trial}: ({x:F3}, {y:F3}) on the segment into point {i} lies outside the span of its column");
                }
            }
            Assert.True(spans.Count <= width + 2 + n / 100, $"trial {trial}: {spans.Count} spans for {width} columns");
        }
    }

    /// <summary>(first, last) index of each run of finite points.</summary>
    private static List<(int, int)> Runs(float[] xs, float[] ys)
    {
        var runs = new List<(int, int)>();
        for (int i = 0; i < xs.Length;)
        {
            if (!(float.IsFinite(xs[i]) && float.IsFinite(ys[i])))
            {
                i++;
                continue;
            }
            int start = i;
            while (i < xs.Length && float.IsFinite(xs[i]) && float.IsFinite(ys[i])) i++;
            runs.Add((start, i - 1));
        }
        return runs;
    }
}
