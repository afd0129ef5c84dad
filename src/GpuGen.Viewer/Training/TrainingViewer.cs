using System.Diagnostics;

namespace GpuGen.Viewer.Training;

/// <summary>
/// Runs a training loop on its own thread while the calling thread shows it: loss curve, steps/s and
/// the sample grids the loop posts. Closing the window (or esc) hides nothing from the run: training
/// goes on to its end, and its exception, if any, comes back here.
/// </summary>
public static class TrainingViewer
{
    public static T Run<T>(ViewerSurface surface, TrainingMonitor monitor, Func<T> train, double maxFramesPerSecond = 30)
    {
        using var scene = new TrainingScene(monitor);
        return Run(surface, scene, train, maxFramesPerSecond);
    }

    /// <summary>As above with any training window (the GAN's has two losses).</summary>
    public static T Run<T>(ViewerSurface surface, ITrainingScene scene, Func<T> train, double maxFramesPerSecond = 30)
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
        var clock = Stopwatch.StartNew();
        double fps = 0, last = -1;
        thread.Start();
        while (thread.IsAlive && !surface.ShouldClose)
        {
            surface.PollEvents();
            scene.Update();
            double now = clock.Elapsed.TotalSeconds;
            if (last >= 0) fps = 0.9 * fps + 0.1 / Math.Max(1e-6, now - last);
            last = now;
            surface.Render((r, area) => scene.Draw(r, area, fps));
            double wait = 1 / maxFramesPerSecond - (clock.Elapsed.TotalSeconds - now);
            if (wait > 0) thread.Join(TimeSpan.FromSeconds(wait));
        }
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return result;
    }
}
