using System.Diagnostics;
using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Viewer.Diffusion;

namespace GpuGen.Viewer.Toy;

/// <summary>
/// Runs the 2-D toy window: the sampling thread (<see cref="ToyChainWorker"/>) feeds the render
/// loop on the calling thread through a newest-wins queue. In a window it runs until esc or the
/// window closes (or <see cref="ViewRunOptions.MaxFrames"/>); offscreen it records frames evenly
/// spread over one chain into PNGs plus a contact sheet — as <see cref="DiffusionViewer"/> does for images.
/// </summary>
public static class ToyViewer
{
    /// <summary>Data points drawn under the cloud.</summary>
    public const int DataPoints = 50_000;

    public static ViewRunReport Run(ViewerSurface surface, ToyDiffusion model, ViewerControls controls, ToyChainOptions chain,
        ViewRunOptions run, Action<string>? log = null) => Run(surface, model, controls, chain, run, log, null);

    /// <summary>As above; <paramref name="last"/> receives the last frame drawn (tests compare it with batch sampling).</summary>
    public static ViewRunReport Run(ViewerSurface surface, ToyDiffusion model, ViewerControls controls, ToyChainOptions chain,
        ViewRunOptions run, Action<string>? log, Action<ToyFrame?>? last)
    {
        bool recording = run.HeadlessDir is not null;
        if (recording) Directory.CreateDirectory(run.HeadlessDir!);
        var queue = new FrameQueue<ToyFrame>(2, lossless: recording);
        using var scene = new ToyScene(model.Schedule, model.DataSample(DataPoints, 0), model.Config.Data, run.Title);
        surface.Controls = controls;
        using var worker = new ToyChainWorker(model, controls, queue, chain with { Loop = !recording && chain.Loop });
        var written = new List<string>();
        var frames = new List<Image>();
        int[]? thresholds = null;
        int nextRecord = 0;
        long framesDrawn = 0;
        string? screenshot = null;
        var clock = Stopwatch.StartNew();
        double minFrame = run.MaxFramesPerSecond > 0 ? 1 / run.MaxFramesPerSecond : 0, lastFrameAt = -1, fps = 0;
        worker.Start();
        try
        {
            while (!surface.ShouldClose)
            {
                surface.PollEvents();
                bool got = recording ? queue.TryTake(out var f, TimeSpan.FromMilliseconds(100)) : queue.TryTake(out f);
                if (got) scene.Apply(f);
                if (recording)
                {
                    if (!got)
                    {
                        if (worker.Finished) break;
                        continue;
                    }
                    thresholds ??= Thresholds(f.StepCount, run.RecordFrames);
                    if (nextRecord >= thresholds.Length || f.StepsDone < thresholds[nextRecord]) continue;
                    while (nextRecord < thresholds.Length && thresholds[nextRecord] <= f.StepsDone) nextRecord++;
                }
                else if (minFrame > 0)
                {
                    double wait = lastFrameAt + minFrame - clock.Elapsed.TotalSeconds;
                    if (wait > 0) Thread.Sleep(TimeSpan.FromSeconds(Math.Min(wait, 0.02)));
                    if (lastFrameAt + minFrame > clock.Elapsed.TotalSeconds) continue;
                }
                double now = clock.Elapsed.TotalSeconds;
                if (lastFrameAt >= 0) fps = 0.9 * fps + 0.1 / Math.Max(1e-6, now - lastFrameAt);
                lastFrameAt = now;
                surface.Render((r, area) => scene.Draw(r, area, recording ? 0 : fps, controls.State));
                framesDrawn++;
                if (recording)
                {
                    var image = surface.Screenshot();
                    string path = Path.Combine(run.HeadlessDir!, $"frame-{written.Count:D3}.png");
                    image.SavePng(path);
                    written.Add(path);
                    frames.Add(image);
                    if (f.Done || nextRecord >= thresholds!.Length) break;
                }
                if (controls.TryTakeSave())
                {
                    string path = Path.Combine(run.SaveDir, $"gpugen-view-{DateTime.Now:yyyyMMdd-HHmmss}-{framesDrawn}.png");
                    surface.Screenshot().SavePng(path);
                    log?.Invoke($"saved {path}");
                }
                if (run.MaxFrames is { } max && framesDrawn >= max) break;
                if (run.ExitWhenDone && worker.Finished && scene.Frame?.Done == true) break;
            }
            if (run.Screenshot is not null && framesDrawn > 0)
            {
                surface.Screenshot().SavePng(run.Screenshot);
                screenshot = run.Screenshot;
            }
        }
        finally
        {
            worker.Stop();
        }
        last?.Invoke(scene.Frame);
        string? sheet = null;
        if (recording && frames.Count > 0)
        {
            sheet = Path.Combine(run.HeadlessDir!, "contact-sheet.png");
            ContactSheet.Build(frames).SavePng(sheet);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new ViewRunReport(framesDrawn, seconds, framesDrawn / Math.Max(1e-9, seconds), worker.StepsTaken,
            worker.StepsTaken / Math.Max(1e-9, worker.BusySeconds), worker.StepsTaken / Math.Max(1e-9, seconds),
            written, sheet, screenshot, surface.GlDescription, queue.Dropped);
    }

    /// <summary>Step counts at which to record <paramref name="count"/> frames, x_T (0) and x₀ (steps) included.</summary>
    internal static int[] Thresholds(int steps, int count)
    {
        if (count <= 1) return [steps];
        return Enumerable.Range(0, count).Select(i => (int)Math.Round((double)i * steps / (count - 1))).Distinct().ToArray();
    }
}
