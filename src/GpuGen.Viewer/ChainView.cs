using GpuGen.IO;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;

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
/// <see cref="ViewRunOptions.MaxFrames"/>, <see cref="ViewRunOptions.MaxSeconds"/>); offscreen, frames evenly spread over one chain recorded as
/// PNGs plus a contact sheet.
/// </summary>
/// <remarks>
/// In a window a frame is drawn when something changed (a new state from the sampler, a key, a
/// resize or expose, the status tick twice a second) and at least <see cref="ViewRunOptions.MinFramesPerSecond"/>
/// times a second (the window presents a steady rate, as a display with vsync does), at
/// most <see cref="ViewRunOptions.MaxFramesPerSecond"/>, and after a frame that took t seconds not
/// before t·(1/share − 1) more (<see cref="ViewRunOptions.DisplayShare"/>), unless that falls under
/// <see cref="ViewRunOptions.MinFramesPerSecond"/> (see <see cref="FramePacer"/>).
/// While resting the loop sleeps (10 ms at a time, for keys) and leaves states in the queue; when
/// it may draw it takes the newest state, or waits on the queue for one (waking at once) until the
/// tick. States are applied and frames drawn on a core the CPU backend lends, so on a software
/// renderer (Mesa llvmpipe) the display costs the sampler about the frames it shows and no more.
/// </remarks>
public static class ChainView
{
    /// <summary>Seconds between redraws when nothing else changed (the status line's frames/s, a paused chain).</summary>
    public const double TickSeconds = FramePacer.TickSeconds;

    /// <summary>Longest wait for a frame before the loop looks at the window's events again.</summary>
    private const double PollSeconds = 0.01;

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
        long statesShown = 0, keysSeen = controls.KeysHandled;
        string? screenshot = null;
        var pacer = new FramePacer(run.MaxFramesPerSecond, run.DisplayShare, run.MinFramesPerSecond);
        bool dirty = true, fresh = false;
        var size = surface.Size;
        // Scrubbing (← → Home End) shows states the sampler kept; the live chain's news waits in the queue meanwhile.
        var history = (worker as SteppedWorker<TFrame>)?.History;
        int? shownScrub = null;
        double seconds = 0;
        worker.Start();
        try
        {
            while (!surface.ShouldClose)
            {
                if (!recording && run.ExitWhenDone && worker.Finished && !fresh && scene.Frame?.Done == true && queue.Count == 0) break;
                if (!recording && run.MaxSeconds is { } limit && pacer.Now >= limit) break;
                surface.PollEvents();
                TFrame? f = null;
                if (recording)
                {
                    if (!queue.TryTake(out f, TimeSpan.FromMilliseconds(100)))
                    {
                        if (worker.Finished) break;
                        continue;
                    }
                    Apply(scene, f);
                    thresholds ??= Thresholds(f.StepCount, run.RecordFrames);
                    if (nextRecord >= thresholds.Length || f.StepsDone < thresholds[nextRecord]) continue;
                    while (nextRecord < thresholds.Length && thresholds[nextRecord] <= f.StepsDone) nextRecord++;
                }
                else
                {
                    double now = pacer.Now;
                    int? scrub = null;
                    if (history is not null)
                    {
                        controls.SetComputed(history.Count);
                        scrub = controls.State.Scrub;
                        if (scrub != shownScrub)
                        {
                            // A new scrub position, or back to live: the kept state, at once (live: the newest kept).
                            if ((scrub is { } k ? history.At(k) : history.At(history.Count - 1)) is { } kept) Apply(scene, kept);
                            shownScrub = scrub;
                            dirty = true;
                        }
                    }
                    if (run.Continuous || controls.KeysHandled != keysSeen || surface.Size != size || surface.TakeRefresh() || now >= pacer.TickDueAt
                        || now >= pacer.FloorDueAt) dirty = true;
                    keysSeen = controls.KeysHandled;
                    size = surface.Size;
                    double readyAt = pacer.ReadyAt(now);
                    if (now < readyAt)
                    {
                        // Resting after the last frame (the cap, the display share); states wait in the queue.
                        Thread.Sleep(TimeSpan.FromSeconds(Math.Min(readyAt - now, PollSeconds)));
                        continue;
                    }
                    // Taken only when it can be drawn: the newest state, applied once.
                    if (scrub is null && queue.TryTake(out f))
                    {
                        Apply(scene, f);
                        fresh = true;
                    }
                    else if (!(dirty || fresh))
                    {
                        // Nothing to show yet: wait for the sampler (a state wakes this at once), the floor or the tick.
                        var wait = TimeSpan.FromSeconds(Math.Clamp(Math.Min(pacer.TickDueAt, pacer.FloorDueAt) - now, 0, PollSeconds));
                        if (scrub is not null) Thread.Sleep(wait);
                        else if (queue.TryTake(out f, wait))
                        {
                            Apply(scene, f);
                            fresh = true;
                        }
                        continue;
                    }
                }
                pacer.Draw(pacer.Now, () => surface.Render((r, area) => scene.Draw(r, area, recording ? 0 : pacer.FramesPerSecond, controls.State)));
                if (fresh) statesShown++;
                dirty = fresh = false;
                if (recording)
                {
                    var image = surface.Screenshot();
                    string path = Path.Combine(run.HeadlessDir!, $"frame-{written.Count:D3}.png");
                    image.SavePng(path);
                    written.Add(path);
                    frames.Add(image);
                    if (f!.Done || nextRecord >= thresholds!.Length) break;
                }
                if (controls.TryTakeSave())
                {
                    string path = Path.Combine(run.SaveDir, $"gpugen-view-{DateTime.Now:yyyyMMdd-HHmmss}-{pacer.Frames}.png");
                    surface.Screenshot().SavePng(path);
                    log?.Invoke($"saved {path}");
                }
                if (run.MaxFrames is { } max && pacer.Frames >= max) break;
            }
            // The rates are over the time the window ran, not the screenshot and the sampler's stop after it.
            seconds = pacer.Now;
            if (run.Screenshot is not null && pacer.Frames > 0)
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
        return new ViewRunReport(pacer.Frames, seconds, pacer.PresentedFramesPerSecond, worker.StepsTaken,
            worker.StepsTaken / Math.Max(1e-9, worker.BusySeconds), worker.StepsTaken / Math.Max(1e-9, seconds),
            written, sheet, screenshot, surface.GlDescription, queue.Dropped)
        {
            StatesPosted = queue.Posted,
            StatesShown = statesShown,
            RenderSeconds = pacer.RenderSeconds,
        };
    }

    /// <summary>
    /// A sampler state taken in on a core the CPU backend lends (mapping a batch to 8 bits takes a
    /// while, and done on a worker's core it would stall a launch).
    /// </summary>
    private static void Apply<TFrame>(IChainScene<TFrame> scene, TFrame frame) where TFrame : class, IChainFrame
    {
        using (GpuGen.Backends.Cpu.CpuBackend.LendCore()) scene.Apply(frame);
    }

    /// <summary>Step counts at which to record <paramref name="count"/> frames, x_T (0) and x₀ (steps) included.</summary>
    internal static int[] Thresholds(int steps, int count)
    {
        if (count <= 1) return [steps];
        return Enumerable.Range(0, count).Select(i => (int)Math.Round((double)i * steps / (count - 1))).Distinct().ToArray();
    }
}
