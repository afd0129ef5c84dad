using System.CommandLine;
using System.Globalization;
using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Toy;
using GpuGen.Viewer;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen view-bench`: frames/s of the viewer's panels (64-image grid, 20,000-point cloud, the whole
/// diffusion window) in a window and offscreen, and sampling steps/s with the window on and off, for
/// image chains and for a 20,000-point toy cloud.
/// </summary>
internal static class ViewBenchCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "time per measurement (each panel's frames/s, each sampling run)", DefaultValueFactory = _ => 3 };
        var steps = new Option<int>("--steps") { Description = "DDIM steps per chain in the sampling measurements (chains loop for --seconds)", DefaultValueFactory = _ => 20 };
        var repeats = new Option<int>("--repeats") { Description = "sampling measurements with the window on and off, alternating", DefaultValueFactory = _ => 2 };
        var n = new Option<int>("--n", "-n") { Description = "images per chain in the sampling measurement", DefaultValueFactory = _ => 64 };
        var maxFps = new Option<double>("--max-fps") { Description = "cap on the window's frames/s while sampling, as in `gpugen view` (0: none)", DefaultValueFactory = _ => 60 };
        var continuous = new Option<bool>("--continuous") { Description = "while sampling, redraw every frame up to --max-fps even when nothing changed (the viewer draws on change only)" };
        var share = new Option<double>("--display-share") { Description = "most of the wall time drawing may take while sampling, as in `gpugen view` (1: no limit; default 4% per core, at most ½)", DefaultValueFactory = _ => GpuGen.Viewer.Diffusion.ViewRunOptions.DefaultDisplayShare };
        var minFps = new Option<double>("--min-fps") { Description = "frames/s the window keeps while sampling whatever the display share, as in `gpugen view` (0: the share alone)", DefaultValueFactory = _ => GpuGen.Viewer.Diffusion.ViewRunOptions.DefaultMinFramesPerSecond };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var cmd = new Command("view-bench", "benchmark the viewer: panel frames/s and sampling steps/s with the window on vs off") { seconds, steps, repeats, n, maxFps, minFps, continuous, share, device, json };
        cmd.SetAction(r =>
        {
            double s = r.GetValue(seconds);
            if (!(s > 0)) throw new CliError($"--seconds must be positive, got {s}");
            CommonOptions.Positive(r.GetValue(steps), "--steps");
            CommonOptions.Positive(r.GetValue(repeats), "--repeats");
            CommonOptions.Positive(r.GetValue(n), "--n");
            if (!(r.GetValue(share) is > 0 and <= 1)) throw new CliError($"--display-share must be in (0, 1], got {r.GetValue(share)}");
            var c = CultureInfo.InvariantCulture;
            var results = new JsonOut().Add("command", "view-bench");
            var schedule = NoiseSchedule.Cosine();
            bool window = ViewerSurface.WindowUnavailable() is null;
            if (!window) Console.WriteLine("no window here (no display): offscreen numbers only");
            foreach (bool headless in window ? new[] { false, true } : [true])
            {
                using var surface = ViewerSurface.Open(1100, 640, "GpuGen — view-bench", headless);
                string where = headless ? "offscreen" : "window";
                var bare = ViewerBenchmark.BareUploadAndDraw(surface, s);
                var grid = ViewerBenchmark.GridPanel(surface, s);
                var cloud = ViewerBenchmark.PointCloud(surface, s);
                var full = ViewerBenchmark.DiffusionWindow(surface, schedule, s);
                var training = ViewerBenchmark.TrainingWindow(surface, s);
                string Rate(RenderRate x) => string.Create(c, $"{x.FramesPerSecond:F0} frames/s ({x.CpuMsPerFrame:F2} ms CPU a frame)");
                Console.WriteLine(string.Create(c, $"{where} 1100×640 ({surface.GlDescription}), render capacity (redrawing continuously, no sampling): bare 224×224 upload + 560×560 draw {Rate(bare)}, grid 64×28×28 {Rate(grid)}, 20,000-point cloud {Rate(cloud)}, diffusion window {Rate(full)}, training window (4,000-step loss curve) {Rate(training)}"));
                foreach (var (name, x) in new[] { ("bare", bare), ("grid", grid), ("cloud", cloud), ("diffusion_window", full), ("training_window", training) })
                    results.Add($"{where}_{name}_fps", x.FramesPerSecond).Add($"{where}_{name}_cpu_ms", x.CpuMsPerFrame);
                results.Add($"{where}_gl", surface.GlDescription);
            }

            using var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            // The demo's model size (a 16/32/32 UNet), untrained: the step costs the same.
            using var model = ImageDiffusion.Create(dev, new ImageDiffusionConfig { Channels = [16, 32, 32], TimeDim = 64, Classes = 10, EmaDecay = 0 });
            var chain = new ImageChainOptions { N = r.GetValue(n), DdimSteps = r.GetValue(steps) };
            var off = new List<double>();
            var on = new List<double>();
            var reports = new List<ViewRunReport>();
            var cpuOff = new List<CpuUse>();
            var cpuOn = new List<CpuUse>();
            long stepsOff = 0, stepsOn = 0;
            using var view = window ? ViewerSurface.Open(1100, 640, "GpuGen — view-bench sampling") : ViewerSurface.Open(1100, 640, headless: true);
            ViewerBenchmark.SamplingWithoutWindow(model, chain, 99, Math.Min(s, 1)); // warm-up (JIT)
            for (int i = 0; i < r.GetValue(repeats); i++)
            {
                var c0 = CpuUse.Now();
                var alone = ViewerBenchmark.SamplingWithoutWindow(model, chain, (ulong)i, s);
                off.Add(alone.StepsPerSecond);
                stepsOff += alone.Steps;
                var c1 = CpuUse.Now();
                var report = ViewerBenchmark.SamplingWithWindow(view, model, chain, (ulong)i, s, r.GetValue(maxFps), r.GetValue(continuous), r.GetValue(share), r.GetValue(minFps));
                var c2 = CpuUse.Now();
                on.Add(report.SamplingStepsPerWallSecond);
                stepsOn += report.SamplingSteps;
                reports.Add(report);
                cpuOff.Add(c1 - c0);
                cpuOn.Add(c2 - c1);
            }
            double offBest = off.Max(), onBest = on.Max(), offMedian = Median(off), onMedian = Median(on);
            double presented = reports.Average(x => x.FramesPerSecond), capacity = reports.Average(x => x.RenderCapacity);
            long posted = reports.Sum(x => x.StatesPosted), shown = reports.Sum(x => x.StatesShown);
            string List(List<double> v) => string.Join(", ", v.Select(x => x.ToString("F2", c)));
            Console.WriteLine(string.Create(c, $"sampling {chain.N} images, chains of {chain.DdimSteps} DDIM steps for {s:0.#} s a run on {dev.Name}: {offBest:F2} steps/s without the {(window ? "window" : "offscreen view")}, {onBest:F2} with it ({onBest / offBest:P0} best of {off.Count}, {onMedian / offMedian:P0} median); all runs off [{List(off)}] on [{List(on)}]"));
            Console.WriteLine(string.Create(c, $"meanwhile the {(window ? "window" : "offscreen view")} presented {presented:F1} frames/s (cap {r.GetValue(maxFps):0}, floor {r.GetValue(minFps):0}, {(r.GetValue(continuous) ? "redrawing continuously" : "drawn on change")}, display share {r.GetValue(share):0.##}), {shown} of the sampler's {posted} states, at {1000 / Math.Max(1e-9, capacity):F1} ms a frame (a render capacity of {capacity:F0} frames/s while sampling)"));
            // CPU per sampling step (this process, plus the X server in a window): what the display costs
            // the sampler, nearly independent of other jobs on the machine (unlike steps per wall second).
            double offCpu = cpuOff.Sum(x => x.Total) / Math.Max(1, stepsOff), onCpu = cpuOn.Sum(x => x.Total) / Math.Max(1, stepsOn);
            double onServer = cpuOn.Sum(x => x.DisplayServer) / Math.Max(1, stepsOn);
            Console.WriteLine(string.Create(c, $"CPU per sampling step: {1000 * offCpu:F1} ms without the {(window ? "window" : "offscreen view")}, {1000 * onCpu:F1} ms with it ({1000 * (onCpu - onServer):F1} this process + {1000 * onServer:F1} the X server{(CpuUse.CountsDisplayServer || !window ? "" : ", not found")}): CPU-cost ratio {offCpu / onCpu:P0}"));
            results.Add("cpu_ms_per_step_off", 1000 * offCpu).Add("cpu_ms_per_step_on", 1000 * onCpu).Add("cpu_ms_per_step_on_x_server", 1000 * onServer)
                .Add("cpu_cost_ratio", offCpu / onCpu).Add("x_server_counted", CpuUse.CountsDisplayServer);
            results.Add("sampling_steps_per_s_off", offBest).Add("sampling_steps_per_s_on", onBest).Add("sampling_on_off_ratio", onBest / offBest)
                .Add("sampling_on_off_ratio_median", onMedian / offMedian).Add("sampling_runs_off", off.ToArray()).Add("sampling_runs_on", on.ToArray())
                .Add("sampling_window_fps", presented).Add("sampling_window_render_capacity_fps", capacity)
                .Add("sampling_states_posted", posted).Add("sampling_states_shown", shown)
                .Add("sampling_max_fps", r.GetValue(maxFps)).Add("sampling_min_fps", r.GetValue(minFps)).Add("sampling_continuous_redraw", r.GetValue(continuous)).Add("sampling_display_share", r.GetValue(share)).Add("sampling_with_window", window).Add("device", dev.Name);

            // The toy viewer: 20,000 points through the default ε-MLP (untrained: a step costs the same).
            using var toy = ToyDiffusion.Create(dev, new ToyDiffusionConfig());
            var toyChain = new ToyChainOptions { DdimSteps = r.GetValue(steps) };
            var toyOff = new List<double>();
            var toyOn = new List<ViewRunReport>();
            ViewerBenchmark.ToySamplingWithoutWindow(toy, toyChain, 99, Math.Min(s, 1)); // warm-up (JIT)
            double toyCpuOff = 0, toyCpuOn = 0;
            long toyStepsOff = 0;
            for (int i = 0; i < r.GetValue(repeats); i++)
            {
                var t0 = CpuUse.Now();
                var alone = ViewerBenchmark.ToySamplingWithoutWindow(toy, toyChain, (ulong)i, s);
                var t1 = CpuUse.Now();
                toyOff.Add(alone.StepsPerSecond);
                toyStepsOff += alone.Steps;
                toyCpuOff += (t1 - t0).Total;
                toyOn.Add(ViewerBenchmark.ToySamplingWithWindow(view, toy, toyChain, (ulong)i, s, r.GetValue(maxFps), r.GetValue(share), r.GetValue(minFps)));
                toyCpuOn += (CpuUse.Now() - t1).Total;
            }
            // CPU per step, as for the images: what the window costs the sampler, less at the mercy of other jobs than steps per wall second.
            double toyCpuRatio = toyCpuOff / Math.Max(1, toyStepsOff) / (toyCpuOn / Math.Max(1, toyOn.Sum(x => x.SamplingSteps)));
            double toyOffBest = toyOff.Max(), toyOnBest = toyOn.Max(x => x.SamplingStepsPerWallSecond);
            double toyPresented = toyOn.Average(x => x.FramesPerSecond), toyCapacity = toyOn.Average(x => x.RenderCapacity);
            Console.WriteLine(string.Create(c, $"toy: {toyChain.N:N0} points, chains of {toyChain.DdimSteps} DDIM steps: {toyOffBest:F1} steps/s without the {(window ? "window" : "offscreen view")}, {toyOnBest:F1} with it ({toyOnBest / toyOffBest:P0} best of {toyOff.Count}); the cloud presented {toyPresented:F1} frames/s, a render capacity of {toyCapacity:F0} frames/s while sampling; CPU-cost ratio {toyCpuRatio:P0}"));
            results.Add("toy_steps_per_s_off", toyOffBest).Add("toy_steps_per_s_on", toyOnBest).Add("toy_on_off_ratio", toyOnBest / toyOffBest)
                .Add("toy_cpu_cost_ratio", toyCpuRatio).Add("toy_window_fps", toyPresented).Add("toy_window_render_capacity_fps", toyCapacity);
            if (r.GetValue(json)) Console.WriteLine(results);
            return 0;
        });
        return cmd;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
