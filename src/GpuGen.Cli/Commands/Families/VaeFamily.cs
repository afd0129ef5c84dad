using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Vae;
using GpuGen.Random;
using GpuGen.Tensors;

namespace GpuGen.Cli.Commands.Families;

/// <summary>`gpugen sample` and `gpugen eval` for VAE and CVAE checkpoints ("vae", "cvae").</summary>
internal static class VaeFamily
{
    /// <summary>Philox stream of the fixed binarization of held-out images ("EVBN"); a training epoch's is another.</summary>
    private const ulong EvalBinarizeStream = 0x4556_424E_0000_0000;

    private const int Chunk = 500;

    public static int Sample(ParseResult r, SampleOptions o)
    {
        int count = r.GetValue(o.N);
        if (r.GetResult(o.Chain) is { Implicit: false } || r.GetResult(o.Guidance) is { Implicit: false })
            throw new CliError("--chain and --guidance are for diffusion models, not VAEs");
        string? npyPath = r.GetValue(o.Npy) is { } p1 ? CommonOptions.OutputPath(p1, "--npy") : null;
        string? gridPath = r.GetValue(o.Png) is { } p2 ? CommonOptions.OutputPath(p2, "--grid") : null;
        string? reconPath = r.GetValue(o.Recon) is { } p3 ? CommonOptions.OutputPath(p3, "--recon") : null;
        string? walkPath = r.GetValue(o.Walk) is { } p4 ? CommonOptions.OutputPath(p4, "--walk") : null;
        float temperature = r.GetValue(o.Temperature);
        if (!(temperature >= 0)) throw new CliError($"--temperature must be 0 or positive, got {temperature}");
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = Vae.Load(dev, r.GetValue(o.Checkpoint)!);
        var c = run.Config;
        int? cls = r.GetValue(o.Class);
        if (cls is int k && (!c.Conditional || k < 0 || k >= c.Classes))
            throw new CliError(c.Conditional ? $"--class must be in 0 … {c.Classes - 1}, got {k}" : "--class: a VAE is unconditional (train a cvae)");
        ulong seed = r.GetValue(o.Seed);

        var clock = Stopwatch.StartNew();
        var grid = VaePictures.SampleGrid(run, count, cls, seed, temperature, out var samples);
        double seconds = clock.Elapsed.TotalSeconds;
        if (npyPath is not null) Npy.Write(npyPath, samples, [count, c.Channels, c.Height, c.Width]);
        if (gridPath is not null) grid.SavePng(gridPath);
        if (reconPath is not null || walkPath is not null)
        {
            var (test, split) = ImageDiffusionFamily.OpenHeldOut(c.Data);
            CheckShape(run, test, c.Data);
            if (reconPath is not null) VaePictures.Reconstructions(run, test, 16).SavePng(reconPath);
            if (walkPath is not null) (c.Latent == 2 ? VaePictures.Walk2D(run, cls ?? 0) : VaePictures.Interpolations(run, test, 8, 10)).SavePng(walkPath);
            Console.WriteLine($"held-out images from {c.Data} ({split} split)");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count} samples in {seconds:F2} s at temperature {temperature} on {dev.Name}{(c.Conditional && cls is null ? " (one row per class)" : "")}"));
        foreach (var written in new[] { npyPath, gridPath, reconPath, walkPath }.OfType<string>()) Console.WriteLine($"wrote {written}");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "sample").Add("family", c.Family).Add("n", count).Add("temperature", temperature)
                .Add("seconds", seconds).Add("samples_per_s", count / Math.Max(1e-9, seconds)).Add("device", dev.Name)
                .Add("npy", npyPath).Add("grid", gridPath).Add("recon", reconPath).Add("walk", walkPath));
        return 0;
    }

    /// <summary>
    /// Test ELBO in nats per image (one z per image, KL in closed form) on held-out images — binarized once
    /// with a fixed Philox stream for a Bernoulli decoder, v/255 for a Gaussian one — and with --k an
    /// importance-weighted bound; unless --no-fd, the Fréchet distance of samples in the classifier's
    /// features, and for a CVAE how often samples of class c are classified as c.
    /// </summary>
    public static int Eval(ParseResult r, EvalOptions o)
    {
        int count = r.GetValue(o.N), k = r.GetValue(o.K);
        if (k < 0) throw new CliError($"--k must be 0 (ELBO only) or positive, got {k}");
        ulong seed = r.GetValue(o.Seed);
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = Vae.Load(dev, r.GetValue(o.Checkpoint)!);
        var c = run.Config;
        string spec = r.GetValue(o.Data) is { } given ? TrainClassifier.Canonical(given) : c.Data;
        var (test, split) = ImageDiffusionFamily.OpenHeldOut(spec);
        CheckShape(run, test, spec);
        if (c.Conditional && !test.HasLabels) throw new CliError($"{spec} ({split}) has no labels, which a CVAE's ELBO needs");
        int n = Math.Min(count, test.Count);
        bool binarize = c.Likelihood == VaeConfig.Bernoulli;

        var clock = Stopwatch.StartNew();
        double elboSum = 0, iwSum = 0;
        using (var bar = new ProgressBar("ELBO", n))
        {
            for (int start = 0; start < n; start += Chunk)
            {
                int m = Math.Min(Chunk, n - start);
                var x = Inputs(test, start, m, binarize, seed);
                var labels = c.Conditional ? test.Labels.Slice(start, m).ToArray() : null;
                var (elbo, iw) = run.Evaluate(x, labels, Math.Max(k, 1), seed, (ulong)start);
                elboSum += elbo.Sum();
                iwSum += iw.Sum();
                bar.Report(start + m, string.Create(CultureInfo.InvariantCulture, $"ELBO {elboSum / (start + m):F2} nats"));
            }
        }
        double testElbo = elboSum / n, testIw = iwSum / n;
        string data = binarize ? "binarized once with a fixed seed" : "v/255";
        string iwText = k >= 1 ? string.Create(CultureInfo.InvariantCulture, $"; importance-weighted bound (k = {k}) {testIw:F2}") : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Family} on {spec}, step {run.Step}: test ELBO {testElbo:F2} nats/image over {n} {split} images ({data}){iwText}"));

        var json = new JsonOut().Add("command", "eval").Add("family", c.Family).Add("data", spec).Add("split", split).Add("step", run.Step)
            .Add("n", n).Add("test_elbo_nats", testElbo);
        if (k >= 1) json.Add("k", k).Add("test_iw_nats", testIw);
        if (!r.GetValue(o.NoFd))
        {
            if (split != "test") throw new CliError($"{spec} has no test split for the Fréchet distance; pass --no-fd");
            SampleMetrics(run, dev, spec, test, n, seed, r.GetValue(o.Classifier), json);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s on {dev.Name}"));
        if (r.GetValue(o.Json)) Console.WriteLine(json.Add("seconds", seconds).Add("device", dev.Name));
        return 0;
    }

    /// <summary>Fréchet distance of n samples to the test images in the classifier's features, and a CVAE's class accuracy.</summary>
    private static void SampleMetrics(Vae run, Device dev, string spec, Dataset test, int n, ulong seed, string? classifier, JsonOut json)
    {
        var c = run.Config;
        var train = Dataset.Open(spec);
        using var clf = ClassifierFamily.ForFrechet(dev, train, classifier);
        bool classify = c.Conditional && clf.Config.Classes == c.Classes;
        var reference = clf.Reference(train, test, Math.Min(n, Math.Min(train.Count, test.Count)), seed);
        var stats = new GaussianStats(clf.FeatureDim);
        long correct = 0;
        using (var bar = new ProgressBar("samples", n))
        {
            for (int start = 0; start < n; start += Chunk)
            {
                int m = Math.Min(Chunk, n - start);
                var labels = c.Conditional ? Enumerable.Range(start, m).Select(i => i % c.Classes).ToArray() : null;
                var x = run.Sample(m, labels, seed + 1 + (ulong)(start / Chunk));
                for (int i = 0; i < x.Length; i++) x[i] = 2 * x[i] - 1;
                stats.Add(clf.Features(x));
                if (classify)
                {
                    using var scope = dev.NoGrad();
                    var predicted = clf.Predict(Tensor.FromArray(dev, x, m, c.Channels, c.Height, c.Width));
                    for (int i = 0; i < m; i++) if (predicted[i] == labels![i]) correct++;
                }
                bar.Report(start + m, "");
            }
        }
        double fd = FrechetDistance.Compute(stats, reference.Test);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fréchet distance (classifier features) of {n} samples to the test images: {fd:F3}; floor (train vs test): {reference.Floor:F3}"));
        json.Add("fd", fd).Add("fd_floor", reference.Floor);
        if (classify)
        {
            double accuracy = (double)correct / n;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"samples of class c classified as c: {accuracy:P1} (chance {1.0 / c.Classes:P1})"));
            json.Add("class_accuracy", accuracy).Add("chance", 1.0 / c.Classes);
        }
    }

    /// <summary>m held-out images from <paramref name="start"/> as the model's input [m, D]: binarized (fixed stream) or v/255.</summary>
    internal static float[] Inputs(Dataset data, int start, int m, bool binarize, ulong seed)
    {
        int d = data.ExampleSize;
        var pixels = data.Pixels.Slice(start * d, m * d);
        var x = new float[m * d];
        for (int i = 0; i < x.Length; i++)
        {
            float v = pixels[i] / 255f;
            x[i] = binarize ? (v > Philox.Uniform(Philox.Bits(seed, EvalBinarizeStream, (ulong)((long)start * d + i))) ? 1f : 0f) : v;
        }
        return x;
    }

    private static void CheckShape(Vae run, Dataset data, string spec)
    {
        var c = run.Config;
        if (data.Channels != c.Channels || data.Height != c.Height || data.Width != c.Width)
            throw new CliError($"{spec} holds {data.Channels}×{data.Height}×{data.Width} images, the model {c.Channels}×{c.Height}×{c.Width}");
    }
}
