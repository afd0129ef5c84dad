using GpuGen.IO;
using GpuGen.Viewer;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Rendering;

namespace GpuGen.Tests.Viewer;

/// <summary>
/// What the viewer draws is what the tensor holds: a fresh random grid of images is drawn by the
/// sample-grid panel and read back with glReadPixels, in a window on the virtual display and
/// offscreen through EGL, and every texel's centre is compared with the value it shows.
/// </summary>
[Collection("OpenGL")]
public sealed class RenderTests
{
    [WindowFact]
    public void WindowShowsTheTensorGrid()
    {
        using var surface = ViewerSurface.Open(640, 480, "test", visible: true);
        Assert.True(surface.IsWindow);
        CheckGrid(surface, channels: 1, n: 7, h: 9, w: 6, seed: 11);
        CheckGrid(surface, channels: 3, n: 4, h: 5, w: 11, seed: 12);
    }

    [HeadlessFact]
    public void OffscreenShowsTheTensorGrid()
    {
        using var surface = ViewerSurface.Open(500, 300, headless: true);
        Assert.False(surface.IsWindow);
        CheckGrid(surface, channels: 1, n: 64, h: 28, w: 28, seed: 13);
        CheckGrid(surface, channels: 3, n: 5, h: 7, w: 7, seed: 14);
    }

    [WindowFact]
    public void WindowScreenshotAfterTheSwapMatchesTheBackBuffer()
    {
        // A window draws straight into its back buffer; a screenshot asked for after the swap draws
        // the frame again offscreen. Both must give the same pixels.
        using var surface = ViewerSurface.Open(520, 360, "screenshot");
        using var grid = new SampleGridPanel { Title = "samples" };
        var data = RandomImages(9, 3, 8, 8, 15);
        grid.Update(data, 9, 3, 8, 8);
        var captured = surface.RenderCaptured((r, area) => grid.Draw(r, area));
        surface.Render((r, area) => grid.Draw(r, area));
        var redrawn = surface.Screenshot();
        Assert.Equal((captured.Width, captured.Height), (redrawn.Width, redrawn.Height));
        Assert.Equal(captured.Pixels, redrawn.Pixels);
        CheckPixels(redrawn, grid, data, 3, 8, 8);
    }

    [WindowFact]
    public void ResizeKeepsTheImagesAspect()
    {
        using var surface = ViewerSurface.Open(400, 300, "resize");
        using var grid = new SampleGridPanel();
        var data = RandomImages(6, 1, 10, 20, 1);
        grid.Update(data, 6, 1, 10, 20);
        foreach (var (w, h) in new[] { (400, 300), (900, 250), (220, 700) })
        {
            surface.Resize(w, h);
            for (int i = 0; i < 50 && surface.Size != (w, h); i++)
            {
                surface.PollEvents();
                Thread.Sleep(10);
            }
            Assert.Equal((w, h), surface.Size);
            var shot = surface.RenderCaptured((r, area) => grid.Draw(r, area));
            foreach (var tile in grid.Tiles)
            {
                Assert.InRange(tile.W / tile.H, 2 - 0.05, 2 + 0.05); // 20 wide, 10 high
                Assert.True(tile.X >= 0 && tile.Y >= 0 && tile.Right <= w && tile.Bottom <= h, $"tile {tile} outside {w}x{h}");
            }
            CheckPixels(shot, grid, data, 1, 10, 20);
        }
    }

    [HeadlessFact]
    public void GuttersTakeTheWindowColourAndPanelsTheirOwn()
    {
        // A frame starts in the panels' colour; the header line and every pixel no panel claims are
        // painted the window's colour when it ends. Random layouts, every pixel checked.
        using var surface = ViewerSurface.Open(310, 205, headless: true);
        var rng = new System.Random(16);
        for (int trial = 0; trial < 4; trial++)
        {
            var panels = new List<RectF>();
            var shot = surface.RenderCaptured((r, area) =>
            {
                var body = GpuGen.Viewer.Stepping.SceneHeader.Draw(r, area, "", double.NaN, "steps", 0, null);
                float split = (float)(body.W * (0.2 + 0.6 * rng.NextDouble())), gap = rng.Next(1, 9) + 0.5f * rng.Next(2);
                panels.Add(new RectF(body.X, body.Y, split, body.H));
                panels.Add(new RectF(body.X + split + gap, body.Y, body.W - split - gap, body.H * (float)(0.3 + 0.6 * rng.NextDouble())));
                panels.Add(panels[1] with { Y = panels[1].Y + panels[1].H / 2 }); // overlaps the one above: must fill itself
                foreach (var p in panels) new BlankPanel().Draw(r, p);
            });
            byte[] window = Bytes(Color.Background), panel = Bytes(Color.PanelBackground);
            for (int y = 0; y < shot.Height; y++)
                for (int x = 0; x < shot.Width; x++)
                {
                    bool inPanel = panels.Any(p => p.X <= x + 0.5f && x + 0.5f < p.Right && p.Y <= y + 0.5f && y + 0.5f < p.Bottom);
                    var expected = inPanel ? panel : window;
                    int k = (y * shot.Width + x) * 3;
                    Assert.True(shot.Pixels.AsSpan(k, 3).SequenceEqual(expected),
                        $"trial {trial}: pixel ({x}, {y}) is ({shot.Pixels[k]}, {shot.Pixels[k + 1]}, {shot.Pixels[k + 2]}), expected the {(inPanel ? "panel" : "window")} colour");
                }
        }
    }

    private static byte[] Bytes(Color c) => [(byte)Math.Round(c.R * 255), (byte)Math.Round(c.G * 255), (byte)Math.Round(c.B * 255)];

    private sealed class BlankPanel : Panel
    {
        protected override void DrawContent(Renderer r, RectF area)
        {
        }
    }

    [HeadlessFact]
    public void PointCloudPutsPointsWhereTheyBelong()
    {
        using var surface = ViewerSurface.Open(400, 330, headless: true);
        using var cloud = new PointCloudPanel { Bounds = (-1, 1), PointSize = 2, PointColor = new Color(1, 0, 0, 1) };
        var rng = new System.Random(17);
        // Points on a coarse lattice (no two within a few pixels of each other), jittered.
        var xy = new List<float>();
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                if (rng.NextDouble() < 0.6) xy.AddRange([-0.8f + 0.3f * i + (float)rng.NextDouble() * 0.1f, -0.8f + 0.3f * j + (float)rng.NextDouble() * 0.1f]);
        cloud.Update(xy.ToArray());
        var shot = surface.RenderCaptured((r, area) => cloud.Draw(r, area));
        var view = cloud.View;
        Assert.Equal(view.W, view.H);
        float scale = view.W / 2;
        var lit = new HashSet<(int, int)>();
        for (int i = 0; i < xy.Count; i += 2)
        {
            int px = (int)view.X + (int)MathF.Floor((xy[i] + 1) * scale) - 1, py = (int)view.Y + (int)MathF.Floor((1 - xy[i + 1]) * scale) - 1;
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++)
                {
                    lit.Add((px + dx, py + dy));
                    int k = ((py + dy) * shot.Width + px + dx) * 3;
                    Assert.True(shot.Pixels[k] == 255 && shot.Pixels[k + 1] == 0 && shot.Pixels[k + 2] == 0, $"point {i / 2} at ({xy[i]}, {xy[i + 1]}): pixel ({px + dx}, {py + dy}) is not red");
                }
        }
        int red = 0;
        for (int y = (int)view.Y + 1; y < (int)view.Bottom - 1; y++)
            for (int x = (int)view.X + 1; x < (int)view.Right - 1; x++)
            {
                int k = (y * shot.Width + x) * 3;
                if (shot.Pixels[k] == 255 && shot.Pixels[k + 1] == 0) red++;
            }
        Assert.Equal(lit.Count, red); // nothing else is red
    }

    internal static float[] RandomImages(int n, int c, int h, int w, int seed)
    {
        var rng = new System.Random(seed);
        var data = new float[n * c * h * w];
        // Values beyond ±1 too: the shader must clamp them.
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2.4 - 1.2);
        return data;
    }

    private static void CheckGrid(ViewerSurface surface, int channels, int n, int h, int w, int seed)
    {
        using var grid = new SampleGridPanel();
        var data = RandomImages(n, channels, h, w, seed);
        grid.Update(data, n, channels, h, w);
        var shot = surface.RenderCaptured((r, area) => grid.Draw(r, area));
        Assert.Equal(surface.Size, (shot.Width, shot.Height));
        CheckPixels(shot, grid, data, channels, h, w);
    }

    /// <summary>Every texel centre of every tile shows round(255 · clamp((v + 1) / 2)) of its value, within 1.</summary>
    internal static void CheckPixels(Image shot, SampleGridPanel grid, float[] data, int channels, int h, int w)
    {
        Assert.Equal(data.Length / (channels * h * w), grid.Tiles.Count);
        int checkedPixels = 0, worst = 0;
        string where = "";
        for (int i = 0; i < grid.Tiles.Count; i++)
        {
            var tile = grid.Tiles[i];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int px = (int)(tile.X + (x + 0.5) * tile.W / w), py = (int)(tile.Y + (y + 0.5) * tile.H / h);
                    for (int c = 0; c < 3; c++)
                    {
                        float v = data[((i * channels + (channels == 1 ? 0 : c)) * h + y) * w + x];
                        int expected = (int)Math.Round(255 * Math.Clamp((v + 1) / 2.0, 0, 1));
                        int got = shot.Pixels[(py * shot.Width + px) * 3 + c];
                        if (Math.Abs(got - expected) > worst)
                        {
                            worst = Math.Abs(got - expected);
                            where = $"image {i} texel ({x}, {y}) channel {c} at pixel ({px}, {py}): expected {expected}, got {got}";
                        }
                    }
                    checkedPixels++;
                }
        }
        Assert.True(worst <= 1, $"largest difference {worst}: {where}");
        Assert.Equal(data.Length / channels, checkedPixels);
    }
}
