namespace GpuGen.Viewer.Training;

/// <summary>
/// Runs a training loop on its own thread while the calling thread shows it: the run's curves, steps/s
/// and the previews the loop posts. Closing the window (or esc) hides nothing from the run: training
/// goes on to its end, and its exception, if any, comes back here.
/// </summary>
public static class TrainingViewer
{
    public static (T Result, PresentedFrames Frames) Run<T>(ViewerSurface surface, TrainingMonitor monitor, Func<T> train, double maxFramesPerSecond = 60, string? screenshot = null)
    {
        using var scene = new TrainingScene(monitor);
        return Run(surface, scene, train, maxFramesPerSecond, screenshot: screenshot);
    }

    /// <summary>
    /// As above with any training window. A frame is drawn when the
    /// training thread reported something new, a key was pressed, the window changed or the status
    /// line is due (twice a second), at most <paramref name="maxFramesPerSecond"/>; and, as the
    /// sampling window does, a frame that took t seconds is followed by t·(1/share − 1) of rest
    /// (<paramref name="displayShare"/>, by default <see cref="Diffusion.ViewRunOptions.DefaultDisplayShare"/>), so the window gives way to training when the CPU is scarce,
    /// unless that would show news less often than <paramref name="minFramesPerSecond"/> a second.
    /// When training ends (and did not fail), a last frame shows all it reported and, given
    /// <paramref name="screenshot"/>, is saved there as a PNG. Returns what training returned and the
    /// frames the window presented while it ran.
    /// </summary>
    public static (T Result, PresentedFrames Frames) Run<T>(ViewerSurface surface, ITrainingScene scene, Func<T> train, double maxFramesPerSecond = 60, double? displayShare = null,
        string? screenshot = null, double minFramesPerSecond = Diffusion.ViewRunOptions.DefaultMinFramesPerSecond)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = train();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "gpugen-train" };
        var controls = new ViewerControls();
        surface.Controls = controls;
        var pacer = new FramePacer(maxFramesPerSecond, displayShare ?? Diffusion.ViewRunOptions.DefaultDisplayShare, minFramesPerSecond);
        int keysSeen = controls.KeysHandled;
        var size = surface.Size;
        bool dirty = true;
        thread.Start();
        while (thread.IsAlive && !surface.ShouldClose)
        {
            surface.PollEvents();
            double now = pacer.Now;
            if (controls.KeysHandled != keysSeen || surface.Size != size || surface.TakeRefresh() || now >= pacer.TickDueAt || now >= pacer.FloorDueAt) dirty = true;
            keysSeen = controls.KeysHandled;
            size = surface.Size;
            double readyAt = pacer.ReadyAt(now);
            // Take in the training thread's news only when a frame may be drawn: the newest then.
            if (now < readyAt || !(scene.Update() | dirty))
            {
                // Resting: sleep it out; idle: look for news every PollSeconds.
                double wait = now < readyAt ? Math.Min(readyAt - now, 0.1) : Math.Min(pacer.TickDueAt - now, PollSeconds);
                thread.Join(TimeSpan.FromSeconds(Math.Max(wait, 0.001)));
                continue;
            }
            pacer.Draw(now, () => surface.Render((r, area) => scene.Draw(r, area, pacer.FramesPerSecond)));
            dirty = false;
        }
        var frames = new PresentedFrames(pacer.Frames, pacer.PresentedFramesPerSecond);
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        scene.Update();
        surface.Render((r, area) => scene.Draw(r, area, pacer.FramesPerSecond));
        // Screenshot reads the frame just drawn (or draws it again offscreen): it works with the window minimised too.
        if (screenshot is not null) surface.Screenshot().SavePng(screenshot);
        return (result, frames);
    }

    /// <summary>Longest wait before the loop looks at the window's events again.</summary>
    private const double PollSeconds = 0.01;
}

/// <summary>Frames a live window presented, and their rate from the first frame to the last.</summary>
public readonly record struct PresentedFrames(long Count, double PerSecond)
{
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Count} frames, {PerSecond:F1} frames/s");
}
