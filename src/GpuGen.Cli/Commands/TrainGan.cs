using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Gan;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen train gan` and `gpugen train cgan`: DCGAN on images (fashion-mnist, idx:DIR, folder:DIR) or an
/// MLP GAN on a 2-D toy, with D/G losses and D(real)/D(fake) on the progress bar, a fixed-z sample grid
/// every K steps, a loss plot and checkpoints (family "gan").
/// </summary>
internal static class TrainGan
{
    public static Command Create(bool conditional)
    {
        var o = new TrainGanOptions(conditional);
        var cmd = new Command(conditional ? "cgan" : "gan", conditional
            ? "conditional GAN on labelled images: label embedding into G, projection D; --class at sampling"
            : "GAN: DCGAN on images (fashion-mnist, idx:DIR, folder:DIR) or an MLP GAN on a 2-D toy");
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r => Run(r, o, conditional));
        return cmd;
    }

    private static int Run(ParseResult r, TrainGanOptions o, bool conditional) =>
        !r.GetValue(o.View) && r.GetValue(o.ViewScreenshot) is not null ? throw new CliError("--view-screenshot needs --view") :
        r.GetValue(o.View) ? GanTrainView.Run(r, o, conditional, monitor => Train(r, o, conditional, monitor)) : Train(r, o, conditional, null);

    private static int Train(ParseResult r, TrainGanOptions o, bool conditional, Viewer.Gan.GanTrainingMonitor? monitor)
    {
        string dir = r.GetValue(o.Output)!;
        string spec = r.GetValue(o.Data)!;
        bool toy = ToyData.IsToy(spec);
        if (toy && conditional) throw new CliError($"train cgan needs labelled images; '{spec}' is a 2-D toy");
        int total = r.GetValue(o.Steps), every = r.GetValue(o.Every), sampleEvery = r.GetValue(o.SampleEvery);
        int gridN = r.GetValue(o.Samples) ?? (toy ? 2000 : conditional ? 100 : 64);
        CommonOptions.Positive(total, "--steps");
        CommonOptions.Positive(gridN, "--samples");
        if (every < 0) throw new CliError($"--checkpoint-every must be 0 or positive, got {every}");
        if (sampleEvery < 0) throw new CliError($"--sample-every must be 0 or positive, got {sampleEvery}");
        double budget = r.GetValue(o.MaxSeconds);
        if (!(budget > 0)) throw new CliError($"--max-seconds must be positive, got {budget}");
        string final = Path.Combine(dir, "model.safetensors");
        string? resumeFrom = ResumePath(r, o.Resume, final);
        if (File.Exists(final) && resumeFrom is null && !r.GetValue(o.Force))
            throw new CliError($"{final} already exists; pass --resume to continue it or --force to start over");

        Dataset? data = null;
        if (!toy)
        {
            try
            {
                data = Dataset.Open(spec);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
            {
                throw new CliError($"--data {spec}: {e.Message}");
            }
            if (data.Channels != 1) throw new CliError($"--data {spec}: the DCGAN takes one-channel images, this data has {data.Channels} channels");
            if (conditional && !data.HasLabels) throw new CliError($"train cgan: {spec} has no labels (folder:DIR needs one sub-folder per class)");
        }
        Directory.CreateDirectory(dir);
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = resumeFrom is not null ? Resume(dev, resumeFrom, conditional) : Gan.Create(dev, NewConfig(r, o, spec, toy, data, conditional));
        if (data is not null && (run.Config.Height != data.Height || run.Config.Width != data.Width))
            throw new CliError($"--resume: the model makes {run.Config.Height}×{run.Config.Width} images, the data has {data.Height}×{data.Width}");
        Console.WriteLine($"training {(conditional ? "cgan" : "gan")} on {(object?)data ?? spec} on {dev}: {run.Config}, "
            + $"G {run.G.ParameterCount():N0} + D {run.D.ParameterCount():N0} parameters, from step {run.Step}");

        using var loader = data is null ? null : new DataLoader(data, dev, new DataLoaderOptions { BatchSize = run.Config.Batch, Seed = run.Config.Seed, StartBatch = run.Step });
        var curves = new (string Name, List<float> Values)[] { ("D loss", new()), ("G loss", new()), ("D(real)", new()), ("D(fake)", new()) };
        long start = run.Step;
        var clock = Stopwatch.StartNew();
        var smooth = new double[4];
        ulong gridSeed = r.GetValue(o.Seed);
        var grids = new List<string>();
        using (var bar = new ProgressBar("train", total - start))
        {
            while (run.Step < total && clock.Elapsed.TotalSeconds < budget)
            {
                GanStepResult s;
                using (dev.Step())
                {
                    if (loader is not null)
                    {
                        var batch = loader.Next();
                        s = run.TrainStep(batch.Images, run.Conditional ? batch.Labels : null);
                    }
                    else
                    {
                        var points = ToyData.Sample(spec, run.Config.Batch, run.Config.Seed, (ulong)run.Step);
                        s = run.TrainStep(Tensor.FromArray(dev, points, run.Config.Batch, 2));
                    }
                }
                if (!float.IsFinite(s.LossD) || !float.IsFinite(s.LossG))
                    throw new InvalidOperationException($"training diverged at step {run.Step}: D loss {s.LossD}, G loss {s.LossG}");
                float[] values = [s.LossD, s.LossG, s.DReal, s.DFake];
                for (int i = 0; i < 4; i++)
                {
                    curves[i].Values.Add(values[i]);
                    smooth[i] = run.Step == start + 1 ? values[i] : 0.98 * smooth[i] + 0.02 * values[i];
                }
                if (monitor is not null) GanTrainView.Report(monitor, run, s, r.GetValue(o.ViewEvery), gridSeed);
                if (every > 0 && run.Step % every == 0) run.Save(Path.Combine(dir, $"step-{run.Step}.safetensors"));
                if (sampleEvery > 0 && run.Step % sampleEvery == 0 && run.Step < total)
                    grids.Add(WriteGrid(run, dir, $"samples-step-{run.Step}.png", gridN, gridSeed));
                long done = run.Step - start;
                double elapsed = clock.Elapsed.TotalSeconds;
                double fraction = Math.Max((double)done / Math.Max(1, total - start), double.IsFinite(budget) ? elapsed / budget : 0);
                bar.Report(done, string.Create(CultureInfo.InvariantCulture,
                    $"D {smooth[0]:F3}  G {smooth[1]:F3}  D(real) {smooth[2]:F2}  D(fake) {smooth[3]:F2}  {done / Math.Max(1e-9, elapsed):F1} steps/s  ETA {ProgressBar.Eta(elapsed, fraction)}"), fraction);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long stepsRun = run.Step - start;
        run.Save(final);
        grids.Add(WriteGrid(run, dir, "samples.png", gridN, gridSeed));
        if (curves[0].Values.Count > 1)
        {
            GanPictures.Curves(curves).SavePng(Path.Combine(dir, "loss.png"));
            Npy.Write(Path.Combine(dir, "loss.npy"), curves.SelectMany(c => c.Values).ToArray(), [4, curves[0].Values.Count]);
        }
        float Last(int i) => curves[i].Values.Count > 0 ? curves[i].Values.TakeLast(100).Average() : float.NaN;
        double stepsPerSecond = stepsRun / Math.Max(1e-9, seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stepsRun} steps in {seconds:F1} s ({stepsPerSecond:F2} steps/s); mean of the last 100: D loss {Last(0):F4}, G loss {Last(1):F4}, D(real) {Last(2):F3}, D(fake) {Last(3):F3}"));
        var json = new JsonOut().Add("command", conditional ? "train cgan" : "train gan").Add("family", Gan.Family).Add("data", spec)
            .Add("steps", run.Step).Add("steps_run", stepsRun).Add("seconds", seconds).Add("steps_per_s", stepsPerSecond)
            .Add("loss_d", Last(0)).Add("loss_g", Last(1)).Add("d_real", Last(2)).Add("d_fake", Last(3))
            .Add("parameters", run.G.ParameterCount() + run.D.ParameterCount());
        if (toy)
        {
            var samples = run.Sample(2000, gridSeed);
            double mmd = Mmd.Squared(samples, ToyData.Sample(spec, 2000, gridSeed + 1), 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MMD² of 2000 samples to data: {mmd:F5}"));
            json.Add("mmd2", mmd);
            if (ToyData.Canonical(spec) == "8gaussians")
            {
                var counts = ModeCoverage.EightGaussians(samples);
                Console.WriteLine($"8gaussians modes covered: {ModeCoverage.Covered(counts, 2000)} of 8 (samples within 3σ per mode: {string.Join(", ", counts)})");
                json.Add("modes_covered", ModeCoverage.Covered(counts, 2000));
            }
        }
        Console.WriteLine($"wrote {final}, {string.Join(", ", grids)}{(curves[0].Values.Count > 1 ? ", loss.png" : "")}");
        if (r.GetValue(o.Json))
            Console.WriteLine(json.Add("checkpoint", final).Add("samples_png", Path.Combine(dir, "samples.png")).Add("device", dev.Name));
        return 0;
    }

    /// <summary>The fixed-z picture: the same (seed, stream) every time, so grids over a run show progress on the same z.</summary>
    internal static string WriteGrid(Gan run, string dir, string name, int n, ulong seed)
    {
        var samples = run.Sample(n, seed);
        string path = Path.Combine(dir, name);
        GanPictures.Samples(run, samples, n, $"gan on {run.Config.Data}, step {run.Step}").SavePng(path);
        return path;
    }

    private static Gan Resume(Device dev, string path, bool conditional)
    {
        var run = Gan.Load(dev, path);
        if (run.Conditional != conditional)
        {
            run.Dispose();
            throw new CliError($"--resume {path}: that model is {(conditional ? "unconditional (train gan)" : "conditional (train cgan)")}");
        }
        return run;
    }

    private static GanConfig NewConfig(ParseResult r, TrainGanOptions o, string spec, bool toy, Dataset? data, bool conditional)
    {
        int classes = 0;
        if (conditional) classes = Math.Max(data!.ClassNames.Count, data.Labels.Length == 0 ? 0 : data.Labels.ToArray().Max() + 1);
        var config = new GanConfig
        {
            Data = toy ? ToyData.Canonical(spec) : spec,
            Architecture = toy ? "mlp" : "dcgan",
            Height = data?.Height ?? 28,
            Width = data?.Width ?? 28,
            Latent = r.GetValue(o.Latent) ?? (toy ? 8 : 64),
            Hidden = r.GetValue(o.Hidden),
            HiddenLayers = r.GetValue(o.Layers),
            Classes = classes,
            LearningRate = r.GetValue(o.LearningRate) ?? (toy ? 1e-3f : 2e-4f),
            Batch = r.GetValue(o.Batch) ?? (toy ? 256 : 64),
            Seed = r.GetValue(o.Seed),
            RealTarget = r.GetValue(o.RealTarget),
            SpectralNorm = r.GetValue(o.SpectralNorm),
            R1Gamma = r.GetValue(o.R1),
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliError($"bad model options: {e.Message}");
        }
        return config;
    }

    internal static string? ResumePath(ParseResult r, Option<string?> resume, string final)
    {
        if (r.GetResult(resume) is not { Implicit: false }) return null;
        string path = r.GetValue(resume) is { Length: > 0 } given ? given : final;
        if (!File.Exists(path)) throw new CliError($"--resume: there is no {path} to continue");
        Checkpoint.EnsureResumable(path);
        return path;
    }
}

/// <summary>The options of `gpugen train gan|cgan`.</summary>
internal sealed class TrainGanOptions(bool conditional)
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = conditional ? "labelled images: fashion-mnist, idx:DIR, folder:DIR" : $"images (fashion-mnist, idx:DIR, folder:DIR) or a 2-D toy ({string.Join(", ", ToyData.Names)})",
        DefaultValueFactory = _ => "fashion-mnist",
    };
    public Option<int> Steps { get; } = new("--steps") { Description = "total steps (one D and one G update each)", DefaultValueFactory = _ => 5000 };
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<string> Output { get; } = new("--out", "-o") { Description = "run folder (model.safetensors, step-K.safetensors, samples.png, samples-step-K.png, loss.png)", Required = true };
    public Option<int?> Batch { get; } = new("--batch") { Description = "batch size (default 64 for images, 256 for toys)" };
    public Option<float?> LearningRate { get; } = new("--lr") { Description = "Adam learning rate of both networks, β = (0.5, 0.999) (default 2e-4 for images, 1e-3 for toys)" };
    public Option<int?> Latent { get; } = new("--latent") { Description = "dimension of z (default 64 for images, 8 for toys)" };
    public Option<int> Hidden { get; } = new("--hidden") { Description = "toys: MLP width", DefaultValueFactory = _ => 128 };
    public Option<int> Layers { get; } = new("--layers") { Description = "toys: hidden layers of each MLP", DefaultValueFactory = _ => 3 };
    public Option<float> RealTarget { get; } = new("--label-smoothing", "--real-target") { Description = "one-sided label smoothing: D's target for real data (1 = off, 0.9 is usual)", DefaultValueFactory = _ => 1f };
    public Option<bool> SpectralNorm { get; } = new("--spectral-norm") { Description = "spectral normalization of D's weights" };
    public Option<float> R1 { get; } = new("--r1") { Description = "R1 penalty γ on real data (0 = off; toys only)", DefaultValueFactory = _ => 0f };
    public Option<int> Every { get; } = new("--checkpoint-every") { Description = "also write DIR/step-K.safetensors every K steps (0: only at the end)", DefaultValueFactory = _ => 0 };
    public Option<int> SampleEvery { get; } = new("--sample-every") { Description = "write DIR/samples-step-K.png from the same fixed z every K steps (0: only at the end)", DefaultValueFactory = _ => 500 };
    public Option<int?> Samples { get; } = new("--samples") { Description = "samples per picture (default 64 images, 100 for cgan, 2000 points for toys)" };
    public Option<string?> Resume { get; } = new("--resume") { Description = "continue DIR/model.safetensors (or the checkpoint given) up to --steps", Arity = ArgumentArity.ZeroOrOne };
    public Option<bool> Force { get; } = new("--force") { Description = "start over even if DIR already holds a model" };
    public Option<double> MaxSeconds { get; } = new("--max-seconds") { Description = "stop after this many seconds of training (then save as at the end)", DefaultValueFactory = _ => double.PositiveInfinity };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<bool> Json { get; } = CommonOptions.Json();
    public Option<bool> View { get; } = new("--view") { Description = "show G's samples from a fixed z and the D and G losses live in a window" };
    public Option<int> ViewEvery { get; } = new("--view-every") { Description = "with --view: new samples from the fixed z every K steps", DefaultValueFactory = _ => 25 };
    public Option<string?> ViewScreenshot { get; } = new("--view-screenshot") { Description = "with --view: save the window's last frame, when training ends, as a PNG" };

    public IEnumerable<Option> Options() =>
        [Data, Steps, Seed, Output, Batch, LearningRate, Latent, Hidden, Layers, RealTarget, SpectralNorm, R1, Every, SampleEvery, Samples, Resume, Force, MaxSeconds, Device, Json, View, ViewEvery, ViewScreenshot];
}
