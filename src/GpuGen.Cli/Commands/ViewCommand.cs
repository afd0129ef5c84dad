using System.CommandLine;
using System.Globalization;
using GpuGen.IO;
using GpuGen.Models;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Views;
using GpuGen.Viewer;
using GpuGen.Viewer.Diffusion;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen view CKPT`: any model sampling, live in an OpenGL window — a diffusion chain denoising from
/// x_T to x₀, a PixelCNN filling its grid, a decoder walking its latent space, a flow inverting layer by
/// layer — or, with --headless DIR, offscreen through EGL into PNG frames and a contact sheet. The
/// checkpoint's family (through <see cref="ModelFamilies"/>) says what to show (<see cref="GenerativeModel.View"/>).
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
            var view = loaded.View(Request(r, o)); // the family's scene, or one line on what does not apply to it
            return Show(r, o, view, $"{Path.GetFileName(path)} ({view.Description})", loaded.Family, dev.Name, headlessWhenNoDisplay: false);
        });
        return cmd;
    }

    /// <summary>The view flags given (those left at their defaults are null, so a family can tell "not given" from "given").</summary>
    internal static ViewRequest Request(ParseResult r, ViewOptions o)
    {
        T? Given<T>(Option<T> option) where T : struct => r.GetResult(option) is { Implicit: false } ? r.GetValue(option) : null;
        return new ViewRequest
        {
            N = Given(o.N),
            Class = r.GetValue(o.Class),
            Steps = r.GetValue(o.Steps),
            Temperature = Given(o.Temperature),
            Sampler = r.GetResult(o.Sampler) is { Implicit: false } ? r.GetValue(o.Sampler) : null,
            Eta = Given(o.Eta),
            Guidance = r.GetValue(o.Guidance),
        };
    }

    /// <summary>Opens the window (or the offscreen surface) on <paramref name="view"/> and runs it; shared with `gpugen demo`.</summary>
    internal static int Show(ParseResult r, ViewOptions o, LiveView view, string title, string family, string device, bool headlessWhenNoDisplay, string command = "view")
    {
        if (r.GetValue(o.Frames) is { } f) CommonOptions.Positive(f, "--frames");
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
            var run = o.RunOptions(r, title, headless, screenshot);
            if (headless is null) Console.WriteLine(view.Keys);
            IChainFrame? last = null;
            var report = LiveViewer.Run(surface, view, r.GetValue(o.Seed), run, Console.WriteLine, x => last = x);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Frames} frames in {report.Seconds:F1} s ({report.FramesPerSecond:F1} frames/s), {report.SamplingSteps} steps ({report.SamplingStepsPerSecond:F1} steps/s while computing)"));
            if (report.ContactSheet is not null) Console.WriteLine($"wrote {report.FramesWritten.Count} frames and {report.ContactSheet}");
            if (report.Screenshot is not null) Console.WriteLine($"wrote {report.Screenshot}");
            if (!r.GetValue(o.Json)) return 0;
            var json = new JsonOut().Add("command", command).Add("family", family).Add("n", view.Count);
            if (view is LayerView layers) json.Add("temperature", layers.Temperature);
            json.Add("frames", report.Frames).Add("seconds", report.Seconds).Add("frames_per_s", report.FramesPerSecond)
                .Add("sampling_steps", report.SamplingSteps).Add("sampling_steps_per_s", report.SamplingStepsPerSecond)
                .Add("sampling_steps_per_wall_s", report.SamplingStepsPerWallSecond).Add("frames_dropped", report.FramesDropped)
                .Add("render_ms_per_frame", report.RenderMsPerFrame).Add("states_posted", report.StatesPosted).Add("states_shown", report.StatesShown)
                .Add("render_frames_per_s", report.RenderCapacity).Add("headless", headless is not null).Add("frames_written", report.FramesWritten.Count);
            if (last is not null) json.Add("last_step", last.StepsDone).Add("step_count", last.StepCount);
            Console.WriteLine(json.Add("contact_sheet", report.ContactSheet).Add("screenshot", report.Screenshot).Add("gl", report.GlRenderer).Add("device", device));
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
