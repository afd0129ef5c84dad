using System.CommandLine;
using System.Globalization;
using GpuGen.IO;
using GpuGen.Models;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Training;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen view CKPT`: the reverse diffusion chain live in an OpenGL window — samples denoising from
/// x_T to x₀, the chain strip, the ᾱ curve, keys to pause, step, restart and switch sampler — or,
/// with --headless DIR, offscreen through EGL into PNG frames and a contact sheet.
/// </summary>
internal static class ViewCommand
{
    public static Command Create()
    {
        var o = new ViewOptions();
        var cmd = new Command("view", "watch a model sample, live in a window (or offscreen with --headless): diffusion chains, PixelCNN raster fill, VAE/GAN latent walks, flows z → x") { o.Checkpoint };
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.Add(o.Temperature);
        cmd.SetAction(r =>
        {
            string path = r.GetValue(o.Checkpoint)!;
            using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
            using var loaded = GenerativeModel.Load(path, dev); // the one family list; an unknown family is its error
            if (loaded is not FlowModel && r.GetResult(o.Temperature) is { Implicit: false })
                throw new CliError($"--temperature does not apply to gpugen view of a {loaded.Family} model (flows only)");
            return loaded switch
            {
                ImageDiffusionModel m => Show(r, o, m.Model, $"{Path.GetFileName(path)} (step {m.Step})", dev.Name, headlessWhenNoDisplay: false),
                ToyDiffusionModel m => ToyViewCommand.Show(r, o, path, m.Model, dev.Name),
                _ => FamilyViewCommand.Show(r, o, path, loaded, dev.Name),
            };
        });
        return cmd;
    }

    /// <summary>Opens the window (or the offscreen surface) on <paramref name="model"/> and runs it; shared with `gpugen demo`.</summary>
    internal static int Show(ParseResult r, ViewOptions o, ImageDiffusion model, string title, string device, bool headlessWhenNoDisplay, string command = "view", int? defaultN = null)
    {
        int n = r.GetResult(o.N) is { Implicit: false } || defaultN is null ? r.GetValue(o.N) : defaultN.Value;
        CommonOptions.Positive(n, "--n");
        if (r.GetValue(o.Frames) is { } f) CommonOptions.Positive(f, "--frames");
        int? steps = r.GetValue(o.Steps);
        if (steps is { } s && (s < 1 || s > model.Schedule.Steps)) throw new CliError($"--steps must be between 1 and T = {model.Schedule.Steps}, got {s}");
        int classIndex = -1;
        if (r.GetValue(o.Class) is { } c)
        {
            if (!model.Conditional) throw new CliError("--class: this model is unconditional");
            if (c < 0 || c >= model.Config.Classes) throw new CliError($"--class must be between 0 and {model.Config.Classes - 1}, got {c}");
            classIndex = c;
        }
        float guidance = r.GetValue(o.Guidance) ?? (model.Conditional ? 2f : 1f);
        if (!model.Conditional && r.GetValue(o.Guidance) is not null) throw new CliError("--guidance: this model is unconditional");
        string? headless = r.GetValue(o.Headless);
        string? screenshot = r.GetValue(o.Screenshot) is { } shot ? CommonOptions.OutputPath(shot, "--screenshot") : null;

        if (headless is null && ViewerSurface.WindowUnavailable() is { } why)
        {
            if (!headlessWhenNoDisplay) throw new CliError($"no window: {why}");
            headless = Path.Combine(r.GetValue(o.Output) ?? "runs/demo", "frames");
            Console.WriteLine($"no display ({why.Split(';')[0]}): writing the frames to {headless} instead");
        }
        using (var surface = o.OpenSurface(r, title, headless))
        {
            var controls = new ViewerControls(r.GetValue(o.Seed), r.GetValue(o.Sampler)!, model.Config.Classes, classIndex, guidance);
            var chain = new ImageChainOptions { N = n, DdpmSteps = steps ?? 0, DdimSteps = steps ?? 0, Eta = r.GetValue(o.Eta) };
            var run = o.RunOptions(r, title, headless, screenshot);
            if (headless is null) Console.WriteLine("keys: space pause, → step, ← → scrub the computed chain (Home x_T, End newest), r new seed, d DDPM/DDIM, c class, g/G guidance, +/− speed, s save, esc quit");
            var report = DiffusionViewer.Run(surface, model, controls, chain, run, Console.WriteLine);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Frames} frames in {report.Seconds:F1} s ({report.FramesPerSecond:F1} frames/s), {report.SamplingSteps} sampling steps ({report.SamplingStepsPerSecond:F1} steps/s while sampling)"));
            if (report.ContactSheet is not null) Console.WriteLine($"wrote {report.FramesWritten.Count} frames and {report.ContactSheet}");
            if (report.Screenshot is not null) Console.WriteLine($"wrote {report.Screenshot}");
            if (r.GetValue(o.Json))
                Console.WriteLine(new JsonOut().Add("command", command).Add("frames", report.Frames).Add("seconds", report.Seconds)
                    .Add("frames_per_s", report.FramesPerSecond).Add("sampling_steps", report.SamplingSteps)
                    .Add("sampling_steps_per_s", report.SamplingStepsPerSecond).Add("sampling_steps_per_wall_s", report.SamplingStepsPerWallSecond)
                    .Add("frames_dropped", report.FramesDropped).Add("render_ms_per_frame", report.RenderMsPerFrame).Add("headless", headless is not null).Add("frames_written", report.FramesWritten.Count)
                    .Add("contact_sheet", report.ContactSheet).Add("screenshot", report.Screenshot).Add("gl", report.GlRenderer).Add("device", device));
        }
        return 0;
    }
}

/// <summary>The options of `gpugen view` (and of the window part of `gpugen demo`).</summary>
internal sealed class ViewOptions
{
    public Argument<string> Checkpoint { get; } = new("checkpoint") { Description = "a checkpoint written by gpugen train: ddpm-image, ddpm-2d, pixelcnn, vae, cvae, nice, realnvp or gan" };
    public Option<float> Temperature { get; } = new("--temperature", "-t") { Description = "flows: z ~ N(0, T²·I)", DefaultValueFactory = _ => 1f };
    public Option<string> Sampler { get; } = MakeSampler();
    public Option<int?> Steps { get; } = new("--steps") { Description = "sampling steps K (DDPM default all T, DDIM default 50); VAE/GAN: frames per turn of the latent walk (default 120)" };
    public Option<float> Eta { get; } = new("--eta") { Description = "DDIM: noise scale η", DefaultValueFactory = _ => 0f };
    public Option<int> N { get; } = new("--n", "-n") { Description = "images in the grid (2-D toys: points in the cloud, default 20000; PixelCNN and flows default 16)", DefaultValueFactory = _ => 64 };
    public Option<int?> Class { get; } = new("--class") { Description = "conditional models: every image of this class (default: image i gets class i mod classes)" };
    public Option<float?> Guidance { get; } = new("--guidance", "-w") { Description = "conditional models: classifier-free guidance w (default 2)" };
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<string?> Headless { get; } = new("--headless") { Description = "render offscreen (EGL, no display needed) and write PNG frames and a contact sheet to DIR" };
    public Option<int?> Frames { get; } = new("--frames") { Description = "window: draw N frames and exit; headless: record N frames over the chain (default 16)" };
    public Option<string?> Screenshot { get; } = new("--screenshot") { Description = "save the last frame as a PNG" };
    public Option<int> Width { get; } = new("--width") { Description = "window width in pixels", DefaultValueFactory = _ => 1100 };
    public Option<int> Height { get; } = new("--height") { Description = "window height in pixels", DefaultValueFactory = _ => 640 };
    public Option<double> MaxFps { get; } = new("--max-fps") { Description = "cap on the display's frames/s (0: none), so drawing leaves the CPU to sampling", DefaultValueFactory = _ => 60 };
    public Option<double> MinFps { get; } = new("--min-fps")
    {
        Description = "frames/s the window keeps even where --display-share would draw fewer (0: the share alone decides, trading frames for sampling speed)",
        DefaultValueFactory = _ => ViewRunOptions.DefaultMinFramesPerSecond,
    };
    public Option<double> DisplayShare { get; } = new("--display-share")
    {
        Description = "most of the wall time drawing may take (0–1; 1: every state up to --max-fps). With the sampler on the CPU, about the share of its speed the window costs on two cores; default 4% a core",
        DefaultValueFactory = _ => ViewRunOptions.DefaultDisplayShare,
    };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<bool> Json { get; } = CommonOptions.Json();

    /// <summary>Only `gpugen demo` has a run folder; view leaves it null.</summary>
    public Option<string> Output { get; init; } = new("--view-out") { Hidden = true, DefaultValueFactory = _ => "runs/demo" };

    /// <summary>
    /// Opens the window, or the offscreen surface when <paramref name="headless"/> is set, at --width ×
    /// --height, and says which GL it got; errors name the option (or say why there is no window).
    /// </summary>
    public ViewerSurface OpenSurface(ParseResult r, string title, string? headless)
    {
        int width = r.GetValue(Width), height = r.GetValue(Height);
        CommonOptions.Positive(width, "--width");
        CommonOptions.Positive(height, "--height");
        CheckedShare(r);
        CheckedMinFps(r);
        if (headless is null && ViewerSurface.WindowUnavailable() is { } why) throw new CliError($"no window: {why}");
        ViewerSurface surface;
        try
        {
            surface = ViewerSurface.Open(width, height, $"GpuGen — {title}", headless is not null);
        }
        catch (NotSupportedException e)
        {
            throw new CliError(headless is null ? e.Message : $"--headless: {e.Message}");
        }
        Console.WriteLine($"{(headless is null ? "window" : "offscreen")}: {surface.GlDescription}; font {surface.Renderer.Font.Source}");
        return surface;
    }

    /// <summary>The render loop's options from --frames (a window: draw N and exit; headless: record N), --screenshot, --max-fps, --min-fps and --display-share.</summary>
    public ViewRunOptions RunOptions(ParseResult r, string title, string? headless, string? screenshot)
    {
        int frames = r.GetValue(Frames) ?? 0;
        double share = CheckedShare(r);
        return new ViewRunOptions
        {
            Title = title,
            HeadlessDir = headless,
            RecordFrames = headless is not null && frames > 0 ? frames : 16,
            MaxFrames = headless is null && frames > 0 ? frames : null,
            Screenshot = screenshot,
            MaxFramesPerSecond = r.GetValue(MaxFps),
            MinFramesPerSecond = CheckedMinFps(r),
            DisplayShare = share,
        };
    }

    private double CheckedMinFps(ParseResult r)
    {
        double min = r.GetValue(MinFps);
        if (!(min >= 0) || double.IsInfinity(min)) throw new CliError($"--min-fps must be 0 or more, got {min.ToString(CultureInfo.InvariantCulture)}");
        return min;
    }

    private double CheckedShare(ParseResult r)
    {
        double share = r.GetValue(DisplayShare);
        if (!(share is > 0 and <= 1)) throw new CliError($"--display-share must be in (0, 1], got {share.ToString(CultureInfo.InvariantCulture)}");
        return share;
    }

    public IEnumerable<Option> Options() => [Sampler, Steps, Eta, N, Class, Guidance, Seed, Headless, Frames, Screenshot, Width, Height, MaxFps, MinFps, DisplayShare, Device, Json];

    private static Option<string> MakeSampler()
    {
        var o = new Option<string>("--sampler") { Description = "ddpm (ancestral) or ddim; d switches in the window", DefaultValueFactory = _ => "ddim" };
        o.AcceptOnlyFromAmong("ddpm", "ddim");
        return o;
    }
}
