using System.Diagnostics;
using GpuGen.IO;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Rendering;

namespace GpuGen.Viewer;

/// <summary>A snapshot of a sampling chain, as far as the render loop needs to know it.</summary>
public interface IChainFrame
{
    int StepsDone { get; }

    int StepCount { get; }

    bool Done { get; }
}

/// <summary>The sampling thread behind a chain view.</summary>
public interface IChainWorker
{
    void Start();

    void Stop();

    bool Finished { get; }

    long StepsTaken { get; }

    double BusySeconds { get; }
}

/// <summary>What a chain view draws: the newest frame applied, then drawn into an area.</summary>
public interface IChainScene<TFrame>
{
    TFrame? Frame { get; }

    void Apply(TFrame frame);

    void Draw(Renderer r, RectF area, double fps, ViewerState? state);
}

/// <summary>
/// The render loop every chain view shares (images, 2-D point clouds): frames from the sampling
/// thread through a newest-wins queue; in a window until esc or the window closes (or
/// <see cref="ViewRunOptions.MaxFrames"/>), at most <see cref="ViewRunOptions.MaxFramesPerSecond"/>;
/// offscreen, frames evenly spread over one chain recorded as PNGs plus a contact sheet.
/// </summary>
public static class ChainView
{
    public static ViewRunReport Run<TFrame>(ViewerSurface surface, IChainScene<TFrame> scene, IChainWorker worker, FrameQueue<TFrame> queue,
        ViewerControls controls, ViewRunOptions run, Action<string>? log)
        where TFrame : class, IChainFrame
    {
        bool recording = run.HeadlessDir is not null;
        if (recording) Directory.CreateDirectory(run.HeadlessDir!);
        surface.Controls = controls;
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
