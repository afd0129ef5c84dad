using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Diffusion;
using GpuGen.Pictures;

namespace GpuGen.Cli.Commands.Families;

/// <summary>`gpugen sample` and `gpugen eval` for image diffusion models ("ddpm-image").</summary>
internal static class ImageDiffusionFamily
{
    public static int Sample(ParseResult r, SampleOptions o)
    {
        int count = r.GetValue(o.N);
        string? npyPath = r.GetValue(o.Npy) is { } p1 ? CommonOptions.OutputPath(p1, "--npy") : null;
        string? gridPath = r.GetValue(o.Png) is { } p2 ? CommonOptions.OutputPath(p2, "--grid") : null;
        string? chainPath = r.GetValue(o.Chain) is { } p3 ? CommonOptions.OutputPath(p3, "--chain") : null;
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = ImageDiffusion.Load(dev, r.GetValue(o.Checkpoint)!);
        string samplerName = r.GetValue(o.Sampler)!;
        var scheduler = MakeScheduler(run, samplerName, r.GetValue(o.DdimSteps), r.GetValue(o.Eta), r.GetValue(o.Clip),
            r.GetValue(o.Spacing), r.GetValue(o.Variance) == "fixed_small");
        float w = r.GetValue(o.Guidance);
        int[]? labels = null;
        if (r.GetValue(o.Class) is int c)
        {
            if (!run.Conditional) throw new CliError($"--class: this model is unconditional");
            if (c < 0 || c >= run.Config.Classes) throw new CliError($"--class must be in 0 … {run.Config.Classes - 1}, got {c}");
            labels = Enumerable.Repeat(c, count).ToArray();
        }
        if (!run.Conditional && w != 1f) throw new CliError("--guidance: this model is unconditional");
        ulong seed = r.GetValue(o.Seed);

        var clock = Stopwatch.StartNew();
        using var session = run.StartSampling(count, seed, scheduler, labels, w, useEma: !r.GetValue(o.NoEma));
        int rows = Math.Min(count, 8);
        var (observer, frames) = DiffusionPictures.ImageChainRecorder(scheduler, session.X, rows);
        session.Run(chainPath is null ? null : observer);
        var samples = session.X.ToArray();
        double seconds = clock.Elapsed.TotalSeconds;
        var shape = run.ImageShape;
        if (npyPath is not null) Npy.Write(npyPath, samples, [count, .. shape]);
        if (gridPath is not null) DiffusionPictures.Grid(run, samples, count, labels is null && run.Conditional ? run.Config.Classes : 0).SavePng(gridPath);
        if (chainPath is not null) DiffusionPictures.ImageChain(run, frames, rows).SavePng(chainPath);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} samples in {seconds:F2} s with {samplerName} ({scheduler.Timesteps.Count} steps{(run.Conditional ? $", guidance {w}" : "")}) on {dev.Name}"));
        foreach (var written in new[] { npyPath, gridPath, chainPath }.OfType<string>()) Console.WriteLine($"wrote {written}");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "sample").Add("family", ImageDiffusion.Family).Add("n", count).Add("sampler", samplerName)
                .Add("steps", scheduler.Timesteps.Count).Add("guidance", w).Add("seconds", seconds).Add("samples_per_s", count / Math.Max(1e-9, seconds))
                .Add("device", dev.Name).Add("npy", npyPath).Add("grid", gridPath).Add("chain", chainPath));
        return 0;
    }

    /// <summary>
    /// eps_mse on held-out images, bits/dim (L_vlb) on a subset of them, and the Fréchet distance in the
    /// classifier's feature space between n samples and n test images, beside the floor (n training vs
    /// n test images).
    /// </summary>
    public static int Eval(ParseResult r, EvalOptions o)
    {
        int count = r.GetValue(o.N), bpdN = r.GetValue(o.BpdN), bpdT = r.GetValue(o.BpdTimesteps);
        CommonOptions.Positive(bpdN, "--bpd-n");
        if (bpdT < 0) throw new CliError($"--bpd-timesteps must be 0 (all) or positive, got {bpdT}");
        ulong seed = r.GetValue(o.Seed);
        bool useEma = !r.GetValue(o.NoEma), fd = !r.GetValue(o.NoFd);
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        string path = r.GetValue(o.Checkpoint)!;
        using var run = ImageDiffusion.Load(dev, path);
        var c = run.Config;
        string spec = r.GetValue(o.Data) ?? c.Data;
        var (test, split) = OpenHeldOut(spec);
        if (test.Channels != c.ImageChannels || test.Height != c.Height || test.Width != c.Width)
            throw new CliError($"{spec} ({split}) holds {test.Channels}×{test.Height}×{test.Width} images, the model {c.ImageChannels}×{c.Height}×{c.Width}");
        var scheduler = fd ? MakeScheduler(run, r.GetValue(o.Sampler)!, r.GetValue(o.Steps), 0f, 1f, null, false) : null;
        float w = r.GetValue(o.Guidance);
        if (!run.Conditional && w != 1f) throw new CliError("--guidance: this model is unconditional");
        var images = Scaled(test);
        int mseN = Math.Min(count, test.Count), bpdCount = Math.Min(bpdN, test.Count);

        var clock = Stopwatch.StartNew();
        double epsMse = DiffusionMetrics.EpsMse(run, images, mseN, seed, useEma: useEma);
        double bpd;
        using (var bar = new ProgressBar("bits/dim", 1))
            bpd = DiffusionMetrics.BitsPerDim(run, images, bpdCount, seed, bpdT, useEma: useEma, progress: (done, total) => bar.Report(done, "", (double)done / total));
        string bpdWhat = bpdT == 0 || bpdT >= run.Schedule.Steps - 1 ? "all timesteps" : $"{bpdT} of {run.Schedule.Steps - 1} timesteps";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ddpm-image on {spec}, step {run.Step}: eps_mse {epsMse:F5} ({mseN} {split} images), bits/dim {bpd:F3} ({bpdCount} images, {bpdWhat})"));

        double fdValue = double.NaN, floor = double.NaN, sampleSeconds = double.NaN;
        if (scheduler is not null)
        {
            if (split != "test") throw new CliError($"{spec} has no test split for the Fréchet distance; pass --no-fd");
            var train = Dataset.Open(spec);
            using var clf = ClassifierFamily.ForFrechet(dev, train, r.GetValue(o.Classifier));
            var reference = clf.Reference(train, test, Math.Min(count, Math.Min(train.Count, test.Count)), seed);
            var stats = new GaussianStats(clf.FeatureDim);
            var sampling = Stopwatch.StartNew();
            const int chunk = 250;
            using (var bar = new ProgressBar("samples", count))
            {
                for (int start = 0; start < count; start += chunk)
                {
                    int m = Math.Min(chunk, count - start);
                    // Balanced classes: sample i of the whole run gets class i mod classes.
                    int[]? labels = run.Conditional ? Enumerable.Range(start, m).Select(i => i % c.Classes).ToArray() : null;
                    var x = run.Sample(m, seed + 1 + (ulong)(start / chunk), scheduler, labels, w, useEma);
                    for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i], -1f, 1f);
                    stats.Add(clf.Features(x));
                    bar.Report(start + m, string.Create(CultureInfo.InvariantCulture, $"{(start + m) / sampling.Elapsed.TotalSeconds:F1} samples/s"));
                }
            }
            sampleSeconds = sampling.Elapsed.TotalSeconds;
            fdValue = FrechetDistance.Compute(stats, reference.Test);
            floor = reference.Floor;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fréchet distance (classifier features) of {count} samples ({scheduler.Timesteps.Count}-step {r.GetValue(o.Sampler)}{(run.Conditional ? $", guidance {w}" : "")}) to the test images: {fdValue:F3}; floor (train vs test, n = {Math.Min(count, test.Count)}): {floor:F3}"));
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s on {dev.Name}"));
        if (r.GetValue(o.Json))
        {
            var json = new JsonOut().Add("command", "eval").Add("family", ImageDiffusion.Family).Add("data", spec).Add("split", split)
                .Add("step", run.Step).Add("n", count).Add("eps_mse", epsMse).Add("eps_mse_n", mseN).Add("bits_per_dim", bpd).Add("bpd_n", bpdCount)
                .Add("bpd_timesteps", bpdT == 0 ? run.Schedule.Steps - 1 : Math.Min(bpdT, run.Schedule.Steps - 1));
            if (scheduler is not null)
                json.Add("fd", fdValue).Add("fd_floor", floor).Add("sampler", r.GetValue(o.Sampler)).Add("sample_steps", scheduler.Timesteps.Count)
                    .Add("guidance", w).Add("sample_seconds", sampleSeconds);
            Console.WriteLine(json.Add("seconds", seconds).Add("device", dev.Name));
        }
        return 0;
    }

    internal static IScheduler MakeScheduler(ImageDiffusion run, string sampler, int? steps, float eta, float clip, string? spacing, bool fixedSmall)
    {
        try
        {
            return run.Scheduler(sampler, steps ?? 0, eta, clip, spacing is null ? null : Timesteps.ParseSpacing(spacing), fixedSmall);
        }
        catch (ArgumentException e)
        {
            throw new CliError(e.Message);
        }
    }

    /// <summary>The test split of the model's data when there is one, else the training images.</summary>
    internal static (Dataset Data, string Split) OpenHeldOut(string spec)
    {
        try
        {
            return (Dataset.Open(spec, new DatasetOptions { Split = DatasetSplit.Test }), "test");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
        {
            try
            {
                return (Dataset.Open(spec), "train");
            }
            catch (Exception e2) when (e2 is IOException or InvalidDataException or ArgumentException)
            {
                throw new CliError($"the model's data {spec} cannot be opened: {e2.Message}");
            }
        }
    }

    /// <summary>All images as floats in [−1, 1], (v − 127.5)/127.5 as the data loader scales them.</summary>
    internal static float[] Scaled(Dataset data)
    {
        var pixels = data.Pixels;
        var result = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) result[i] = (pixels[i] - 127.5f) / 127.5f;
        return result;
    }
}
