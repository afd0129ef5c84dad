using System.CommandLine;
using GpuGen.Training;
using GpuGen.Viewer;
using GpuGen.Viewer.Training;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train … --view`: training on its own thread, the window on this one, for every recipe with a live view.</summary>
internal static class TrainView
{
    public static int Run(ParseResult r, TrainOptions o, string command, Func<TrainingMonitor, int> train)
    {
        CommonOptions.Positive(r.GetValue(o.ViewEvery!), "--view-every");
        string? shot = r.GetValue(o.ViewScreenshot!) is { } s ? CommonOptions.OutputPath(s, "--view-screenshot") : null;
        // Under mpirun the window is rank 0's; the other ranks train without one.
        if (MpiRun.Launch is { Rank: > 0 }) return train(new TrainingMonitor(r.GetValue(o.Steps), "rank > 0"));
        string what = $"training {command} on {r.GetValue(o.Data)}";
        using (var surface = OpenWindow(what, "samples-step-K.png and loss.png show progress"))
        {
            var monitor = new TrainingMonitor(r.GetValue(o.Steps), what);
            var (code, frames) = TrainingViewer.Run(surface, monitor, () => train(monitor), screenshot: shot);
            Console.Error.WriteLine($"window: {frames} presented while training");
            if (shot is not null) Console.Error.WriteLine($"wrote {shot}"); // stdout's last line stays the JSON
            return code;
        }
    }

    /// <summary>The window of `train … --view`; without a display, one line saying what to do instead.</summary>
    internal static ViewerSurface OpenWindow(string what, string progressFiles)
    {
        if (ViewerSurface.WindowUnavailable() is { } why)
            throw new CliError($"--view needs a window: {why.Split(';')[0]}; train without --view ({progressFiles}), or watch the checkpoint later with gpugen view CKPT --headless DIR");
        try
        {
            return ViewerSurface.Open(1100, 600, $"GpuGen — {what}");
        }
        catch (NotSupportedException e)
        {
            throw new CliError($"--view: {e.Message}");
        }
    }

    /// <summary>
    /// What the training loop calls after each step: the step's values, and after the first step and
    /// every <paramref name="every"/> steps a preview of the model from <paramref name="seed"/>.
    /// </summary>
    public static Action<TrainingProgress> Watch(TrainingMonitor monitor, ITrainingRun run, int every, ulong seed)
    {
        monitor.Begin(run.Series);
        return p =>
        {
            monitor.Report(p.Step, p.Values);
            if ((p.Done == 1 || p.Step % every == 0) && run.Preview(seed) is { } preview) monitor.Previews.Post(preview);
        };
    }
}
