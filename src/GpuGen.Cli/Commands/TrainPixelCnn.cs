using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.PixelCnn;
using GpuGen.Tensors;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train pixelcnn`: the autoregressive PixelCNN on 8-bit one-channel images (family "pixelcnn").</summary>
internal static class TrainPixelCnn
{
    public static Command Create()
    {
        var o = new TrainPixelCnnOptions();
        var cmd = new Command("pixelcnn", "PixelCNN on one-channel images (fashion-mnist, idx:DIR, folder:DIR): 256-way softmax per pixel");
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r => Run(r, o));
        return cmd;
    }

    private static int Run(ParseResult r, TrainPixelCnnOptions o)
    {
        string dir = r.GetValue(o.Output)!;
        string spec = r.GetValue(o.Data)!;
        int total = r.GetValue(o.Steps), every = r.GetValue(o.Every), sampleEvery = r.GetValue(o.SampleEvery), gridN = r.GetValue(o.Samples);
        CommonOptions.Positive(total, "--steps");
        CommonOptions.Positive(gridN, "--samples");
        if (every < 0) throw new CliError($"--checkpoint-every must be 0 or positive, got {every}");
        if (sampleEvery < 0) throw new CliError($"--sample-every must be 0 or positive, got {sampleEvery}");
        double budget = r.GetValue(o.MaxSeconds);
        if (!(budget > 0)) throw new CliError($"--max-seconds must be positive, got {budget}");
        string final = Path.Combine(dir, "model.safetensors");
        string? resumeFrom = TrainGan.ResumePath(r, o.Resume, final);
        if (File.Exists(final) && resumeFrom is null && !r.GetValue(o.Force))
            throw new CliError($"{final} already exists; pass --resume to continue it or --force to start over");
        Dataset data;
        try
        {
            data = Dataset.Open(spec);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            throw new CliError($"--data {spec}: {e.Message}");
        }
        if (data.Channels != 1) throw new CliError($"--data {spec}: PixelCNN here models one-channel images, this data has {data.Channels} channels");
        bool cond = r.GetValue(o.Cond);
        if (cond && !data.HasLabels) throw new CliError($"--cond: {spec} has no labels (folder:DIR needs one sub-folder per class)");
        Directory.CreateDirectory(dir);
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = resumeFrom is not null ? PixelCnn.Load(dev, resumeFrom) : PixelCnn.Create(dev, NewConfig(r, o, data, spec, cond));
        if (run.Config.Height != data.Height || run.Config.Width != data.Width)
            throw new CliError($"--resume: the model takes {run.Config.Height}×{run.Config.Width} images, the data has {data.Height}×{data.Width}");
        Console.WriteLine($"training pixelcnn on {data} on {dev}: {run.Config}, {run.Net.ParameterCount():N0} parameters, from step {run.Step}");

        using var loader = new DataLoader(data, dev, new DataLoaderOptions { BatchSize = run.Config.Batch, Seed = run.Config.Seed, StartBatch = run.Step });
        int p = run.PixelsPerImage;
        var pixels = new byte[run.Config.Batch * p];
        var labels = new int[run.Config.Batch];
        var losses = new List<float>();
        long start = run.Step;
        var clock = Stopwatch.StartNew();
        double smooth = double.NaN;
        var grids = new List<string>();
        using (var bar = new ProgressBar("train", total - start))
        {
            while (run.Step < total && clock.Elapsed.TotalSeconds < budget)
            {
                float loss;
                using (dev.Step())
                {
                    var batch = loader.Next();
                    int n = batch.Count;
                    for (int i = 0; i < n; i++)
                    {
                        data.Example(batch.Indices[i]).CopyTo(pixels.AsSpan(i * p, p));
                        if (run.Conditional) labels[i] = data.Labels[batch.Indices[i]];
                    }
                    loss = run.TrainStep(pixels.AsSpan(0, n * p), n, run.Conditional ? labels.AsSpan(0, n) : default);
                }
                if (!float.IsFinite(loss)) throw new InvalidOperationException($"training diverged at step {run.Step}: loss is {loss}");
                losses.Add(loss);
                smooth = double.IsNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
                if (every > 0 && run.Step % every == 0) run.Save(Path.Combine(dir, $"step-{run.Step}.safetensors"));
                if (sampleEvery > 0 && run.Step % sampleEvery == 0 && run.Step < total)
                    grids.Add(WriteGrid(run, dir, $"samples-step-{run.Step}.png", gridN, r.GetValue(o.Seed)).Path);
                long done = run.Step - start;
                double elapsed = clock.Elapsed.TotalSeconds;
                double fraction = Math.Max((double)done / Math.Max(1, total - start), double.IsFinite(budget) ? elapsed / budget : 0);
                bar.Report(done, string.Create(CultureInfo.InvariantCulture,
                    $"loss {smooth:F4} nats ({smooth / Math.Log(2):F3} bits/dim)  {done / Math.Max(1e-9, elapsed):F2} steps/s  ETA {ProgressBar.Eta(elapsed, fraction)}"), fraction);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long stepsRun = run.Step - start;
        run.Save(final);
        var (gridPath, imagesPerSecond) = WriteGrid(run, dir, "samples.png", gridN, r.GetValue(o.Seed));
        grids.Add(gridPath);
        if (losses.Count > 1)
        {
            Plot.LossCurve(losses.ToArray(), title: "training loss (nats per pixel)", smoothing: 50).SavePng(Path.Combine(dir, "loss.png"));
            Npy.Write(Path.Combine(dir, "loss.npy"), losses.ToArray(), [losses.Count]);
        }
        double stepsPerSecond = stepsRun / Math.Max(1e-9, seconds);
        float lastLoss = losses.Count > 0 ? losses.TakeLast(100).Average() : float.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stepsRun} steps in {seconds:F1} s ({stepsPerSecond:F2} steps/s), loss {lastLoss:F4} nats = {lastLoss / Math.Log(2):F4} bits/dim (mean of the last 100); sampling {imagesPerSecond:F2} images/s"));
        Console.WriteLine($"wrote {final}, {string.Join(", ", grids)}{(losses.Count > 1 ? ", loss.png" : "")}");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "train pixelcnn").Add("family", PixelCnn.Family).Add("data", spec)
                .Add("steps", run.Step).Add("steps_run", stepsRun).Add("seconds", seconds).Add("steps_per_s", stepsPerSecond)
                .Add("final_loss", lastLoss).Add("train_bits_per_dim", lastLoss / Math.Log(2)).Add("parameters", run.Net.ParameterCount())
                .Add("images_per_s", imagesPerSecond).Add("checkpoint", final).Add("samples_png", Path.Combine(dir, "samples.png")).Add("device", dev.Name));
        return 0;
    }

    /// <summary>Samples a grid (classes as columns when conditional); returns the file and the sampling speed.</summary>
    internal static (string Path, double ImagesPerSecond) WriteGrid(PixelCnn run, string dir, string name, int n, ulong seed)
    {
        var clock = Stopwatch.StartNew();
        var images = run.Sample(n, seed);
        double rate = n / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
        string path = Path.Combine(dir, name);
        GanPictures.Samples(run, images, n).SavePng(path);
        return (path, rate);
    }

    private static PixelCnnConfig NewConfig(ParseResult r, TrainPixelCnnOptions o, Dataset data, string spec, bool cond)
    {
        var config = new PixelCnnConfig
        {
            Data = spec,
            Height = data.Height,
            Width = data.Width,
            Channels = r.GetValue(o.Channels),
            ResidualLayers = r.GetValue(o.Layers),
            Classes = cond ? Math.Max(data.ClassNames.Count, data.Labels.Length == 0 ? 0 : data.Labels.ToArray().Max() + 1) : 0,
            LearningRate = r.GetValue(o.LearningRate),
            Batch = r.GetValue(o.Batch),
            Seed = r.GetValue(o.Seed),
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
}

/// <summary>The options of `gpugen train pixelcnn`.</summary>
internal sealed class TrainPixelCnnOptions
{
    public Option<string> Data { get; } = new("--data") { Description = "one-channel images: fashion-mnist, idx:DIR, folder:DIR", DefaultValueFactory = _ => "fashion-mnist" };
    public Option<int> Steps { get; } = new("--steps") { Description = "total optimisation steps", DefaultValueFactory = _ => 5000 };
    public Option<ulong> Seed { get; } = CommonOptions.Seed();
    public Option<string> Output { get; } = new("--out", "-o") { Description = "run folder (model.safetensors, step-K.safetensors, samples.png, loss.png)", Required = true };
    public Option<int> Batch { get; } = new("--batch") { Description = "batch size", DefaultValueFactory = _ => 32 };
    public Option<float> LearningRate { get; } = new("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3f };
    public Option<int> Channels { get; } = new("--channels") { Description = "feature channels of every layer", DefaultValueFactory = _ => 64 };
    public Option<int> Layers { get; } = new("--layers") { Description = "residual mask-B 3×3 layers", DefaultValueFactory = _ => 5 };
    public Option<bool> Cond { get; } = new("--cond") { Description = "class-conditional: a learned per-class bias in every layer (needs labels)" };
    public Option<int> Every { get; } = new("--checkpoint-every") { Description = "also write DIR/step-K.safetensors every K steps (0: only at the end)", DefaultValueFactory = _ => 0 };
    public Option<int> SampleEvery { get; } = new("--sample-every") { Description = "write DIR/samples-step-K.png every K steps (0: only at the end; sampling is pixel by pixel)", DefaultValueFactory = _ => 0 };
    public Option<int> Samples { get; } = new("--samples") { Description = "images in each sample grid", DefaultValueFactory = _ => 16 };
    public Option<string?> Resume { get; } = new("--resume") { Description = "continue DIR/model.safetensors (or the checkpoint given) up to --steps", Arity = ArgumentArity.ZeroOrOne };
    public Option<bool> Force { get; } = new("--force") { Description = "start over even if DIR already holds a model" };
    public Option<double> MaxSeconds { get; } = new("--max-seconds") { Description = "stop after this many seconds of training (then save as at the end)", DefaultValueFactory = _ => double.PositiveInfinity };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<bool> Json { get; } = CommonOptions.Json();

    public IEnumerable<Option> Options() =>
        [Data, Steps, Seed, Output, Batch, LearningRate, Channels, Layers, Cond, Every, SampleEvery, Samples, Resume, Force, MaxSeconds, Device, Json];
}
