using System.CommandLine;
using System.Globalization;
using GpuGen.IO;
using GpuGen.Models;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;
using GpuGen.Pictures;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Flows;
using GpuGen.Viewer.Latent;
using GpuGen.Viewer.PixelCnn;
using GpuGen.Viewer;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen view CKPT` for the families besides diffusion: PixelCNN (the grid filling in raster order),
/// VAE and CVAE (a latent grid or class rows decoded along a walk), NICE and RealNVP (z → x through the
/// inverse layers) and GAN (G along latent walks) — in a window, or offscreen with --headless.
/// </summary>
internal static class FamilyViewCommand
{
    public static int Show(ParseResult r, ViewOptions o, string path, GenerativeModel loaded, string device)
    {
        string family = loaded.Family;
        Reject(r, family, o.Sampler, o.Eta, o.Guidance);
        if (family != FlowConfig.Nice && family != FlowConfig.RealNvp) Reject(r, family, o.Temperature);
        if (family is PixelCnn.Family or FlowConfig.Nice or FlowConfig.RealNvp) Reject(r, family, o.Steps);
        if (family is FlowConfig.Nice or FlowConfig.RealNvp) Reject(r, family, o.Class);
        int? n = r.GetResult(o.N) is { Implicit: false } ? r.GetValue(o.N) : null;
        if (n is { } given) CommonOptions.Positive(given, "--n");
        if (r.GetValue(o.Steps) is { } steps) CommonOptions.Positive(steps, "--steps");
        var json = new JsonOut().Add("command", "view").Add("family", family);
        switch (loaded)
        {
            case PixelCnnModel { Model: var model }:
            {
                int count = n ?? 16, classIndex = ClassIndex(r, o, model.Config.Classes);
                json.Add("n", count);
                return Run(r, o, $"{Path.GetFileName(path)} (pixelcnn on {model.Config.Data}, step {model.Step})", device, json,
                    "keys: space pause, → one pixel, ← → scrub, r new seed, +/− speed, s save, esc quit",
                    (surface, controls, run) => Report(PixelCnnViewer.Run(surface, model, count, classIndex, controls, run, Console.WriteLine, f => Last(json, f))));
            }
            case VaeModel { Model: var model }:
            {
                var c = model.Config;
                var spec = VaeSpec(model, n, ClassIndex(r, o, c.Conditional ? c.Classes : 0), r.GetValue(o.Steps));
                json.Add("n", spec.Walk(0).Count);
                return Run(r, o, $"{Path.GetFileName(path)} ({c.Family} on {c.Data}, step {model.Step})", device, json, Keys,
                    (surface, controls, run) => Report(LatentViewer.Run(surface, spec, controls, run, Console.WriteLine, f => Last(json, f))));
            }
            case FlowModel { Model: var model }:
            {
                var c = model.Config;
                float temperature = r.GetValue(o.Temperature);
                if (!(temperature >= 0)) throw new CliError($"--temperature must be 0 or positive, got {temperature}");
                int count = n ?? (c.IsToy ? ToyViewCommand.DefaultPoints : 16);
                json.Add("n", count).Add("temperature", temperature);
                return Run(r, o, $"{Path.GetFileName(path)} ({c.Kind} on {c.Data}, step {model.Step})", device, json,
                    "keys: space pause, → one layer, ← → scrub, r new z, +/− speed, s save, esc quit",
                    (surface, controls, run) => Report(FlowViewer.Run(surface, model, count, temperature, controls, run, Console.WriteLine, f => Last(json, f))));
            }
            case GanModel { Model: var model }:
            {
                var c = model.Config;
                if (c.IsMlp) throw new CliError($"checkpoint {path} holds a 2-D toy GAN; gpugen view shows image GANs (watch a toy GAN train with gpugen train gan --data {c.Data} --view)");
                var spec = GanSpec(model, n, ClassIndex(r, o, c.Classes), r.GetValue(o.Steps));
                json.Add("n", spec.Walk(0).Count);
                return Run(r, o, $"{Path.GetFileName(path)} (gan on {c.Data}, step {model.Step})", device, json, Keys,
                    (surface, controls, run) => Report(LatentViewer.Run(surface, spec, controls, run, Console.WriteLine, f => Last(json, f))));
            }
            default:
                throw new CliError($"checkpoint {path} holds a '{family}' model, which gpugen view has no live view for");
        }
    }

    private const string Keys = "keys: space pause, → step, ← → scrub, r new endpoints, +/− speed, s save, esc quit";

    /// <summary>VAE: an 8×8 grid (side √n) over the two latent dims that move the decoded image most; CVAE: one row per class (n/classes columns), or n images of --class walking.</summary>
    internal static LatentViewSpec VaeSpec(Vae model, int? n, int classIndex, int? steps)
    {
        var c = model.Config;
        var layout = !c.Conditional ? (c.Latent >= 2 ? LatentLayout.Grid : LatentLayout.Walks) : classIndex >= 0 ? LatentLayout.Walks : LatentLayout.ClassRows;
        int count = n ?? 64;
        var (dim1, dim2) = layout == LatentLayout.Grid ? LatentDims.MostInfluential(model.DecodePrior, c.Latent) : (0, 1);
        return new LatentViewSpec
        {
            Decode = model.DecodePrior,
            Dim1 = dim1,
            Dim2 = dim2,
            Model = c.Family,
            Latent = c.Latent,
            Channels = c.Channels,
            Height = c.Height,
            Width = c.Width,
            Layout = layout,
            Side = Math.Max(2, (int)Math.Round(Math.Sqrt(count))),
            Columns = layout == LatentLayout.ClassRows ? Math.Max(2, n is null ? 8 : (count + c.Classes - 1) / c.Classes) : count,
            Classes = c.Conditional ? c.Classes : 0,
            ClassIndex = classIndex,
            Steps = steps ?? 120,
        };
    }

    /// <summary>n images on latent walks (a cGAN: one row per class, or every image of --class).</summary>
    internal static LatentViewSpec GanSpec(Gan model, int? n, int classIndex, int? steps)
    {
        var c = model.Config;
        var layout = c.Classes > 0 && classIndex < 0 ? LatentLayout.ClassRows : LatentLayout.Walks;
        int count = n ?? (layout == LatentLayout.ClassRows ? 8 * c.Classes : 36);
        return new LatentViewSpec
        {
            Decode = model.Generate,
            Model = "gan",
            Latent = c.Latent,
            Channels = 1,
            Height = c.Height,
            Width = c.Width,
            Low = -1,
            High = 1,
            Layout = layout,
            Columns = layout == LatentLayout.ClassRows ? Math.Max(2, (count + c.Classes - 1) / c.Classes) : count,
            Classes = c.Classes,
            ClassIndex = classIndex,
            Steps = steps ?? 120,
        };
    }

    private static int ClassIndex(ParseResult r, ViewOptions o, int classes)
    {
        if (r.GetValue(o.Class) is not { } k) return -1;
        if (classes == 0) throw new CliError("--class: this model is unconditional");
        if (k < 0 || k >= classes) throw new CliError($"--class must be between 0 and {classes - 1}, got {k}");
        return k;
    }

    private static void Reject(ParseResult r, string family, params Option[] options)
    {
        foreach (var option in options)
            if (r.GetResult(option) is { Implicit: false })
                throw new CliError($"{option.Name} does not apply to gpugen view of a {family} model");
    }

    private static void Last(JsonOut json, IChainFrame? f) => json.Add("last_step", f?.StepsDone ?? 0).Add("step_count", f?.StepCount ?? 0);

    private static ViewRunReport Report(ViewRunReport report)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Frames} frames in {report.Seconds:F1} s ({report.FramesPerSecond:F1} frames/s), {report.SamplingSteps} steps ({report.SamplingStepsPerSecond:F1} steps/s while computing)"));
        if (report.ContactSheet is not null) Console.WriteLine($"wrote {report.FramesWritten.Count} frames and {report.ContactSheet}");
        if (report.Screenshot is not null) Console.WriteLine($"wrote {report.Screenshot}");
        return report;
    }

    /// <summary>Opens the window (or the offscreen surface), runs <paramref name="view"/> on it and prints the JSON line with --json.</summary>
    private static int Run(ParseResult r, ViewOptions o, string title, string device, JsonOut json, string keys,
        Func<ViewerSurface, ViewerControls, ViewRunOptions, ViewRunReport> view)
    {
        if (r.GetValue(o.Frames) is { } f) CommonOptions.Positive(f, "--frames");
        string? headless = r.GetValue(o.Headless);
        string? screenshot = r.GetValue(o.Screenshot) is { } shot ? CommonOptions.OutputPath(shot, "--screenshot") : null;
        using (var surface = o.OpenSurface(r, title, headless))
        {
            var controls = new ViewerControls(r.GetValue(o.Seed));
            var run = o.RunOptions(r, title, headless, screenshot);
            if (headless is null) Console.WriteLine(keys);
            var report = view(surface, controls, run);
            if (r.GetValue(o.Json))
                Console.WriteLine(json.Add("frames", report.Frames).Add("seconds", report.Seconds).Add("frames_per_s", report.FramesPerSecond)
                    .Add("sampling_steps", report.SamplingSteps).Add("sampling_steps_per_s", report.SamplingStepsPerSecond)
                    .Add("sampling_steps_per_wall_s", report.SamplingStepsPerWallSecond).Add("frames_dropped", report.FramesDropped)
                    .Add("states_posted", report.StatesPosted).Add("states_shown", report.StatesShown).Add("render_frames_per_s", report.RenderCapacity)
                    .Add("headless", headless is not null).Add("frames_written", report.FramesWritten.Count)
                    .Add("contact_sheet", report.ContactSheet).Add("screenshot", report.Screenshot).Add("gl", report.GlRenderer).Add("device", device));
        }
        return 0;
    }
}
