using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train ddpm --data fashion-mnist|idx:DIR|folder:DIR`: the image diffusion model (family "ddpm-image").</summary>
internal static class TrainDdpmImage
{
    public static int Run(ParseResult r, TrainDdpmOptions o) =>
        !r.GetValue(o.View) && r.GetValue(o.ViewScreenshot) is not null ? throw new CliError("--view-screenshot needs --view") :
        r.GetValue(o.View) ? TrainView.Run(r, o, monitor => Train(r, o, monitor)) : Train(r, o, null);

    private static int Train(ParseResult r, TrainDdpmOptions o, Viewer.Training.TrainingMonitor? monitor)
    {
        string dir = r.GetValue(o.Output)!;
        string spec = r.GetValue(o.Data)!;
        int total = r.GetValue(o.Steps), k = r.GetValue(o.Every), sampleEvery = r.GetValue(o.SampleEvery), gridN = r.GetValue(o.Samples) ?? 64;
        CommonOptions.Positive(total, "--steps");
        CommonOptions.Positive(gridN, "--samples");
        CommonOptions.Positive(r.GetValue(o.SampleSteps), "--sample-steps");
        if (k < 0) throw new CliError($"--checkpoint-every must be 0 or positive, got {k}");
        double budget = r.GetValue(o.MaxSeconds);
        if (!(budget > 0)) throw new CliError($"--max-seconds must be positive, got {budget}");
        if (sampleEvery < 0) throw new CliError($"--sample-every must be 0 or positive, got {sampleEvery}");
        string final = Path.Combine(dir, "model.safetensors");
        string? resumeFrom = TrainDdpmOptions.ResumePath(r, o, final);
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
        Directory.CreateDirectory(dir);
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = resumeFrom is not null ? Load(dev, resumeFrom, data) : ImageDiffusion.Create(dev, NewConfig(r, o, data, spec));
        if (run.Step >= total) Console.WriteLine($"the model has already taken {run.Step} steps (--steps {total}): nothing to train");
        Console.WriteLine($"training ddpm on {data} on {dev}: {run.Config}, {run.Net.ParameterCount():N0} parameters, from step {run.Step}");

        using var loader = new DataLoader(data, dev, new DataLoaderOptions { BatchSize = run.Config.Batch, Seed = run.Config.Seed, StartBatch = run.Step });
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
                using (var scope = dev.Step())
                {
                    var batch = loader.Next();
                    var labels = run.Conditional ? batch.Indices.Select(i => data.Labels[i]).ToArray() : null;
                    loss = run.TrainStep(batch.Images, labels);
                }
                if (!float.IsFinite(loss)) throw new InvalidOperationException($"training diverged at step {run.Step}: loss is {loss}");
                losses.Add(loss);
                if (monitor is not null) TrainView.Report(monitor, run, loss, r.GetValue(o.ViewEvery), r.GetValue(o.Seed));
                smooth = double.IsNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
                if (k > 0 && run.Step % k == 0) run.Save(Path.Combine(dir, $"step-{run.Step}.safetensors"));
                if (sampleEvery > 0 && run.Step % sampleEvery == 0 && run.Step < total)
                    grids.Add(WriteGrid(run, dir, $"samples-step-{run.Step}.png", gridN, r.GetValue(o.Seed), r.GetValue(o.SampleSteps)));
                long done = run.Step - start;
                double elapsed = clock.Elapsed.TotalSeconds;
                double fraction = Math.Max((double)done / Math.Max(1, total - start), double.IsFinite(budget) ? elapsed / budget : 0);
                bar.Report(done, $"loss {smooth:F4}  {done / Math.Max(1e-9, elapsed):F2} steps/s  ETA {ProgressBar.Eta(elapsed, fraction)}", fraction);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long stepsRun = run.Step - start;
        run.Save(final);
        grids.Add(WriteGrid(run, dir, "samples.png", gridN, r.GetValue(o.Seed), r.GetValue(o.SampleSteps)));
        if (losses.Count > 1)
        {
            Plot.LossCurve(losses.ToArray(), title: $"training loss (mse on {Prediction.Name(run.Config.Prediction)})", logY: true, smoothing: 50)
                .SavePng(Path.Combine(dir, "loss.png"));
            Npy.Write(Path.Combine(dir, "loss.npy"), losses.ToArray(), [losses.Count]);
        }
        double stepsPerSecond = stepsRun / Math.Max(1e-9, seconds);
        float lastLoss = losses.Count > 0 ? losses.TakeLast(100).Average() : float.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stepsRun} steps in {seconds:F1} s ({stepsPerSecond:F2} steps/s), loss {lastLoss:F4} (mean of the last 100)"));
        Console.WriteLine($"wrote {final}, {string.Join(", ", grids)}{(losses.Count > 1 ? ", loss.png" : "")}");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "train ddpm").Add("family", ImageDiffusion.Family).Add("data", spec)
                .Add("steps", run.Step).Add("steps_run", stepsRun).Add("seconds", seconds).Add("steps_per_s", stepsPerSecond)
                .Add("final_loss", lastLoss).Add("first_loss", losses.Count > 0 ? losses.Take(10).Average() : float.NaN)
                .Add("parameters", run.Net.ParameterCount()).Add("checkpoint", final).Add("samples_png", Path.Combine(dir, "samples.png"))
                .Add("device", dev.Name));
        return 0;
    }

    private static ImageDiffusion Load(Device dev, string path, Dataset data)
    {
        var run = ImageDiffusion.Load(dev, path);
        var c = run.Config;
        if (c.ImageChannels != data.Channels || c.Height != data.Height || c.Width != data.Width)
        {
            run.Dispose();
            throw new CliError($"--resume {path}: the model takes {c.ImageChannels}×{c.Height}×{c.Width} images, the data has {data.Channels}×{data.Height}×{data.Width}");
        }
        return run;
    }

    private static ImageDiffusionConfig NewConfig(ParseResult r, TrainDdpmOptions o, Dataset data, string spec)
    {
        int[] channels;
        try
        {
            channels = r.GetValue(o.Channels)!.Split(',', StringSplitOptions.TrimEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new CliError($"--channels must be comma-separated numbers like 32,64,64, got '{r.GetValue(o.Channels)}'");
        }
        int classes = 0;
        if (r.GetValue(o.Cond))
        {
            if (!data.HasLabels) throw new CliError($"--cond: {spec} has no labels (folder:DIR needs one sub-folder per class)");
            classes = Math.Max(data.ClassNames.Count, data.Labels.Length == 0 ? 0 : data.Labels.ToArray().Max() + 1);
        }
        var config = new ImageDiffusionConfig
        {
            Data = spec,
            ImageChannels = data.Channels,
            Height = data.Height,
            Width = data.Width,
            Channels = channels,
            BlocksPerLevel = r.GetValue(o.Blocks),
            TimeDim = r.GetValue(o.TimeDim),
            Attention = r.GetValue(o.Attention),
            Classes = classes,
            PUncond = r.GetValue(o.PUncond),
            Schedule = r.GetValue(o.Schedule) ?? "cosine",
            Timesteps = r.GetValue(o.Timesteps),
            Prediction = Prediction.Parse(r.GetValue(o.Prediction)!),
            LearningRate = r.GetValue(o.LearningRate) ?? 2e-4f,
            Batch = r.GetValue(o.Batch) ?? 128,
            Seed = r.GetValue(o.Seed),
            EmaDecay = r.GetValue(o.Ema) ?? 0.9999f,
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

    /// <summary>A grid of n DDIM samples (rows of classes for a conditional model); returns the file written.</summary>
    internal static string WriteGrid(ImageDiffusion run, string dir, string name, int n, ulong seed, int ddimSteps)
    {
        var scheduler = run.Scheduler("ddim", Math.Min(ddimSteps, run.Schedule.Steps));
        var samples = run.Sample(n, seed, scheduler, guidance: run.Conditional ? 2f : 1f);
        string path = Path.Combine(dir, name);
        ImagePictures.Grid(run, samples, n, run.Conditional ? run.Config.Classes : 0).SavePng(path);
        return path;
    }
}
