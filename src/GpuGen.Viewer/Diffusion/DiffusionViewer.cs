using System.Diagnostics;
using GpuGen.IO;
using GpuGen.Models.Diffusion;

namespace GpuGen.Viewer.Diffusion;

/// <summary>
/// Runs the image-diffusion window: the sampling thread (<see cref="ImageChainWorker"/>) feeds the
/// render loop on the calling thread through a newest-wins queue. In a window it runs until esc or
/// the window closes (or <see cref="ViewRunOptions.MaxFrames"/>); offscreen it records frames evenly
/// spread over one chain into PNGs plus a contact sheet.
/// </summary>
public static class DiffusionViewer
{
    public static ViewRunReport Run(ViewerSurface surface, ImageDiffusion model, ViewerControls controls, ImageChainOptions chain,
        ViewRunOptions run, Action<string>? log = null)
    {
        bool recording = run.HeadlessDir is not null;
        if (recording) Directory.CreateDirectory(run.HeadlessDir!);
        var queue = new FrameQueue<DiffusionFrame>(2, lossless: recording);
        using var scene = new DiffusionScene(model.Schedule, model.Config.Classes, run.Title);
        surface.Controls = controls;
        using var worker = new ImageChainWorker(model, controls, queue, chain with { Loop = !recording && chain.Loop });
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
                    // Cap the display's rate: the software renderer shares the CPU with the sampler.
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

/// <summary>How the render loop runs.</summary>
public sealed record ViewRunOptions
{
    public string Title { get; init; } = "GpuGen";

    /// <summary>Stop after this many frames (scripted runs); null: until esc or the window closes.</summary>
    public int? MaxFrames { get; init; }

    /// <summary>Offscreen: write frames here (frame-NNN.png and contact-sheet.png).</summary>
    public string? HeadlessDir { get; init; }

    /// <summary>Offscreen: frames recorded over the chain, x_T and x₀ included.</summary>
    public int RecordFrames { get; init; } = 16;

    /// <summary>Save the last frame here at the end.</summary>
    public string? Screenshot { get; init; }

    /// <summary>Where s puts its screenshots.</summary>
    public string SaveDir { get; init; } = ".";

    /// <summary>Window: leave once the chain reached x₀ and the sampler stopped (with a non-looping chain).</summary>
    public bool ExitWhenDone { get; init; }

    /// <summary>Display frame rate cap in a window (0: none).</summary>
    public double MaxFramesPerSecond { get; init; } = 60;
}

/// <summary>What a run did: frames drawn and their rate, sampling steps and their rate (busy and wall), files written.</summary>
public sealed record ViewRunReport(long Frames, double Seconds, double FramesPerSecond, long SamplingSteps, double SamplingStepsPerSecond,
    double SamplingStepsPerWallSecond, IReadOnlyList<string> FramesWritten, string? ContactSheet, string? Screenshot, string GlRenderer, long FramesDropped);
