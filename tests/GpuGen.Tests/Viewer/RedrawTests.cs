using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Tests.Models;
using GpuGen.Viewer;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Rendering;

namespace GpuGen.Tests.Viewer;

/// <summary>
/// The render loop's economies: a window draws only when something changed (a paused chain is
/// redrawn at the status tick, not 60 times a second), and an opaque rectangle cleared through the
/// scissor covers exactly the pixels the same rectangle drawn as triangles covers.
/// </summary>
[Collection("OpenGL")]
public sealed class RedrawTests
{
    [WindowFact]
    public void APausedChainIsDrawnOnlyAtTheTick()
    {
        // No floor, and no rest after a slow first frame on a busy machine: frames come on change only.
        var report = RunPaused(new ViewRunOptions { MaxFramesPerSecond = 60, MinFramesPerSecond = 0, DisplayShare = 1 });
        Assert.Equal(0, report.SamplingSteps);
        Assert.Equal(1, report.StatesPosted); // x_T only: paused before the first step
        Assert.Equal(1, report.StatesShown);
        // The first frame, x_T, one per tick and the frame of the escape key: nowhere near 60 frames/s.
        double ticks = report.Seconds / ChainView.TickSeconds;
        Assert.InRange(report.Frames, 2, (long)Math.Ceiling(ticks) + 3);
    }

    [WindowFact]
    public void APausedChainStillPresentsTheFloorRate()
    {
        // The same paused chain with the default floor: frames keep coming with nothing new to show
        // (as a display with vsync presents), far more than the ticks alone give (the test above).
        var report = RunPaused(new ViewRunOptions { MaxFramesPerSecond = 60 });
        Assert.Equal(30, ViewRunOptions.DefaultMinFramesPerSecond);
        Assert.Equal(0, report.SamplingSteps);
        double ticks = report.Seconds / ChainView.TickSeconds;
        // 30 frames/s over 1.6 s is 48; a busy machine may draw slower, but still beyond the tick-only count.
        Assert.True(report.Frames > (long)Math.Ceiling(ticks) + 6, $"{report.Frames} frames in {report.Seconds:F2} s");
        Assert.InRange(report.Frames, 8, (long)Math.Ceiling(report.Seconds * 60) + 2);
    }

    /// <summary>A 10-step chain of a tiny model, paused from the start, in a window for 1.6 s.</summary>
    private static ViewRunReport RunPaused(ViewRunOptions run)
    {
        using var device = Device.Cpu();
        using var model = ImageDiffusion.Create(device, ImageDiffusionTests.Tiny(classes: 0) with { Timesteps = 40 });
        using var surface = ViewerSurface.Open(480, 320, "paused");
        var controls = new ViewerControls(seed: 3, sampler: "ddim", paused: true);
        var quit = new Thread(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(1.6));
            controls.Press(ViewerKey.Escape);
        });
        quit.Start();
        var report = DiffusionViewer.Run(surface, model, controls, new ImageChainOptions { N = 4, DdimSteps = 10 }, run);
        quit.Join();
        return report;
    }

    [HeadlessFact]
    public void ClearedRectanglesCoverTheSamePixelsAsDrawnOnes()
    {
        using var surface = ViewerSurface.Open(160, 120, headless: true);
        var rng = new System.Random(20);
        for (int k = 0; k < 20; k++)
        {
            // Fractional corners, large enough to be cleared (at least 4096 pixels), within the frame or
            // past it; none within 0.05 px of a pixel centre, where the rasteriser's sub-pixel snapping
            // (1/256 px) decides which side a centre falls on.
            float x = Coordinate(rng, -20, 80), y = Coordinate(rng, -20, 50);
            var rect = new RectF(x, y, Coordinate(rng, x + 64, x + 164) - x, Coordinate(rng, y + 64, y + 124) - y);
            var cleared = Shot(surface, rect, new Color(1, 0, 0, 1));
            var drawn = Shot(surface, rect, new Color(1, 0, 0, 0.9999f)); // not opaque: drawn as triangles and blended
            for (int i = 0; i < cleared.Pixels.Length; i += 3)
                Assert.True(cleared.Pixels[i] == drawn.Pixels[i] && cleared.Pixels[i + 1] == drawn.Pixels[i + 1],
                    $"{rect}: pixel ({i / 3 % 160}, {i / 3 / 160}) is {cleared.Pixels[i]} cleared but {drawn.Pixels[i]} drawn");
            Assert.Contains(cleared.Pixels, p => p == 255);
        }
    }

    private static float Coordinate(System.Random rng, float lo, float hi)
    {
        float whole = MathF.Floor(lo + (float)rng.NextDouble() * (hi - lo));
        float frac = (float)rng.NextDouble() * 0.9f;
        return whole + (frac < 0.45f ? frac : frac + 0.1f);
    }

    private static Image Shot(ViewerSurface surface, RectF rect, Color c)
    {
        return surface.RenderCaptured((r, _) => r.FillRect(rect, c));
    }
}
