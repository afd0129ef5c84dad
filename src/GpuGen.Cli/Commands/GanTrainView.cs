using System.CommandLine;
using GpuGen.Data;
using GpuGen.Models.Gan;
using GpuGen.Viewer;
using GpuGen.Viewer.Gan;
using GpuGen.Viewer.Training;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train gan|cgan … --view`: training on its own thread; the window shows G on a fixed z and the D and G losses.</summary>
internal static class GanTrainView
{
    /// <summary>Data points under a toy GAN's samples.</summary>
    private const int DataPoints = 20_000;

    public static int Run(ParseResult r, TrainGanOptions o, bool conditional, Func<GanTrainingMonitor, int> train)
    {
        CommonOptions.Positive(r.GetValue(o.ViewEvery), "--view-every");
        string? shot = r.GetValue(o.ViewScreenshot) is { } s ? CommonOptions.OutputPath(s, "--view-screenshot") : null;
        // Under mpirun the window is rank 0's; the other ranks train without one.
        if (MpiRun.Launch is { Rank: > 0 }) return train(new GanTrainingMonitor(r.GetValue(o.Steps), "rank > 0"));
        string spec = r.GetValue(o.Data)!;
        string what = $"{(conditional ? "cgan" : "gan")} on {spec}";
        using (var surface = TrainView.OpenWindow($"training {what}", "samples-step-K.png and loss.png show progress"))
        {
            var monitor = new GanTrainingMonitor(r.GetValue(o.Steps), $"training {what}");
            float[] data = ToyData.IsToy(spec) ? ToyData.Sample(spec, DataPoints, r.GetValue(o.Seed), 0x5649_4557UL) : [];
            using var scene = new GanTrainingScene(monitor, data);
            var (code, frames) = TrainingViewer.Run(surface, scene, () => train(monitor), screenshot: shot);
            Console.Error.WriteLine($"window: {frames} presented while training");
            if (shot is not null) Console.Error.WriteLine($"wrote {shot}"); // stdout's last line stays the JSON
            return code;
        }
    }

    /// <summary>Called by the training loop after each step: the losses, and every K steps G's samples from the fixed z.</summary>
    public static void Report(GanTrainingMonitor monitor, Gan run, GanStepResult s, int every, ulong seed)
    {
        monitor.Report(run.Step, s.LossD, s.LossG, s.DReal, s.DFake);
        if (run.Step % every != 0 && run.Step != 1) return;
        var c = run.Config;
        if (c.IsMlp)
        {
            monitor.Samples.Post(new GanSnapshot(run.Sample(2000, seed), 2000, 0, 0, run.Step, Points: true));
            return;
        }
        int n = run.Conditional ? 4 * c.Classes : 36;
        monitor.Samples.Post(new GanSnapshot(run.Sample(n, seed), n, c.Height, c.Width, run.Step, Points: false, run.Conditional ? c.Classes : 0));
    }
}
