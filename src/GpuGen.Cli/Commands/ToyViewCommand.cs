using System.CommandLine;
using System.Globalization;
using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Toy;
using GpuGen.Viewer;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen view CKPT` on a 2-D toy diffusion checkpoint (ddpm-2d): a point cloud flowing from the
/// Gaussian to the data over a faint picture of the data, live in a window or offscreen with --headless.
/// </summary>
internal static class ToyViewCommand
{
    /// <summary>Points in the cloud when --n is not given.</summary>
    public const int DefaultPoints = 20_000;

    public static int Show(ParseResult r, ViewOptions o, string path, ToyDiffusion model, string device)
    {
        int n = r.GetResult(o.N) is { Implicit: false } ? r.GetValue(o.N) : DefaultPoints;
        CommonOptions.Positive(n, "--n");
        if (r.GetValue(o.Frames) is { } f) CommonOptions.Positive(f, "--frames");
        if (r.GetValue(o.Class) is not null || r.GetValue(o.Guidance) is not null)
            throw new CliError($"{ToyDiffusion.Family} models are unconditional: --class and --guidance do not apply");
        string? headless = r.GetValue(o.Headless);
        string? screenshot = r.GetValue(o.Screenshot) is { } shot ? CommonOptions.OutputPath(shot, "--screenshot") : null;
        int? steps = r.GetValue(o.Steps);
        if (steps is { } s && (s < 1 || s > model.Schedule.Steps)) throw new CliError($"--steps must be between 1 and T = {model.Schedule.Steps}, got {s}");
        string title = $"{Path.GetFileName(path)} ({model.Config.Data}, step {model.Step})";
        using (var surface = o.OpenSurface(r, title, headless))
        {
            var controls = new ViewerControls(r.GetValue(o.Seed), r.GetValue(o.Sampler)!);
            var chain = new ToyChainOptions { N = n, DdpmSteps = steps ?? 0, DdimSteps = steps ?? 0, Eta = r.GetValue(o.Eta) };
            var run = o.RunOptions(r, title, headless, screenshot);
            if (headless is null) Console.WriteLine("keys: space pause, → step, ← → scrub the computed chain (Home x_T, End newest), r new seed, d DDPM/DDIM, +/− speed, s save, esc quit");
            ToyFrame? last = null;
            var report = ToyViewer.Run(surface, model, controls, chain, run, Console.WriteLine, x => last = x);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Frames} frames in {report.Seconds:F1} s ({report.FramesPerSecond:F1} frames/s), {report.SamplingSteps} sampling steps ({report.SamplingStepsPerSecond:F1} steps/s while sampling)"));
            if (report.ContactSheet is not null) Console.WriteLine($"wrote {report.FramesWritten.Count} frames and {report.ContactSheet}");
            if (report.Screenshot is not null) Console.WriteLine($"wrote {report.Screenshot}");
            if (r.GetValue(o.Json))
                Console.WriteLine(new JsonOut().Add("command", "view").Add("family", ToyDiffusion.Family).Add("data", model.Config.Data).Add("n", n)
                    .Add("frames", report.Frames).Add("seconds", report.Seconds)
                    .Add("frames_per_s", report.FramesPerSecond).Add("sampling_steps", report.SamplingSteps)
                    .Add("sampling_steps_per_s", report.SamplingStepsPerSecond).Add("sampling_steps_per_wall_s", report.SamplingStepsPerWallSecond)
                    .Add("frames_dropped", report.FramesDropped).Add("render_ms_per_frame", report.RenderMsPerFrame).Add("headless", headless is not null).Add("frames_written", report.FramesWritten.Count)
                    .Add("last_step", last?.StepsDone ?? 0).Add("step_count", last?.StepCount ?? 0)
                    .Add("contact_sheet", report.ContactSheet).Add("screenshot", report.Screenshot).Add("gl", report.GlRenderer).Add("device", device));
        }
        return 0;
    }
}
