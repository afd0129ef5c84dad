using System.CommandLine;
using GpuGen.Models.Diffusion;
using GpuGen.Viewer;
using GpuGen.Viewer.Training;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train ddpm … --view`: training on its own thread, the window on this one.</summary>
internal static class TrainView
{
    private const int GridImages = 16;

    public static int Run(ParseResult r, TrainDdpmOptions o, Func<TrainingMonitor, int> train)
    {
        CommonOptions.Positive(r.GetValue(o.ViewEvery), "--view-every");
        string? shot = r.GetValue(o.ViewScreenshot) is { } s ? CommonOptions.OutputPath(s, "--view-screenshot") : null;
        // Under mpirun the window is rank 0's; the other ranks train without one.
        if (MpiRun.Launch is { Rank: > 0 }) return train(new TrainingMonitor(r.GetValue(o.Steps), "rank > 0"));
        using (var surface = OpenWindow($"training ddpm on {r.GetValue(o.Data)}", "samples-step-K.png show progress"))
        {
            var monitor = new TrainingMonitor(r.GetValue(o.Steps), $"training ddpm on {r.GetValue(o.Data)}");
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

    /// <summary>Called by the training loop after each step: the loss, and every K steps a grid from the EMA weights.</summary>
    public static void Report(TrainingMonitor monitor, ImageDiffusion run, float loss, int every, ulong seed)
    {
        monitor.Report(run.Step, loss);
        if (run.Step % every != 0) return;
        int n = GridImages;
        var scheduler = run.Scheduler("ddim", Math.Min(20, run.Schedule.Steps));
        float[] samples = run.Conditional
            ? run.Sample(n, seed, scheduler, Enumerable.Range(0, n).Select(i => i % run.Config.Classes).ToArray(), 2f)
            : run.Sample(n, seed, scheduler);
        var c = run.Config;
        monitor.Grids.Post(new SampleGridFrame(samples, n, c.ImageChannels, c.Height, c.Width, run.Step));
    }
}
