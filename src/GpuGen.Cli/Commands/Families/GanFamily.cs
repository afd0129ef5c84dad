using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Gan;
using GpuGen.Tensors;

namespace GpuGen.Cli.Commands.Families;

/// <summary>`gpugen sample` and `gpugen eval` for GANs and cGANs ("gan").</summary>
internal static class GanFamily
{
    public static int Sample(ParseResult r, SampleOptions o)
    {
        int count = r.GetValue(o.N);
        string? npyPath = r.GetValue(o.Npy) is { } p1 ? CommonOptions.OutputPath(p1, "--npy") : null;
        string? gridPath = r.GetValue(o.Png) is { } p2 ? CommonOptions.OutputPath(p2, "--grid") : null;
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = Gan.Load(dev, r.GetValue(o.Checkpoint)!);
        var labels = Labels(run, r.GetValue(o.Class), count);
        ulong seed = r.GetValue(o.Seed);
        var clock = Stopwatch.StartNew();
        var samples = run.Sample(count, seed, labels);
        double seconds = clock.Elapsed.TotalSeconds;
        if (npyPath is not null) Npy.Write(npyPath, samples, [count, .. run.SampleShape]);
        if (gridPath is not null) GanPictures.Samples(run, samples, count, $"gan on {run.Config.Data}, step {run.Step}").SavePng(gridPath);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} samples in {seconds:F3} s on {dev.Name} ({count / Math.Max(1e-9, seconds):F0} samples/s)"));
        foreach (var written in new[] { npyPath, gridPath }.OfType<string>()) Console.WriteLine($"wrote {written}");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "sample").Add("family", Gan.Family).Add("n", count).Add("seconds", seconds)
                .Add("samples_per_s", count / Math.Max(1e-9, seconds)).Add("device", dev.Name).Add("npy", npyPath).Add("grid", gridPath));
        return 0;
    }

    /// <summary>
    /// Images: the Fréchet distance in the classifier's feature space between n samples and n test images,
    /// beside its floor (n training vs n test images), and for a cGAN the classifier's accuracy on samples
    /// of class i mod classes. 2-D toys: MMD² to the data and, on 8gaussians, the modes covered.
    /// </summary>
    public static int Eval(ParseResult r, EvalOptions o)
    {
        int count = r.GetValue(o.N);
        ulong seed = r.GetValue(o.Seed);
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = Gan.Load(dev, r.GetValue(o.Checkpoint)!);
        var c = run.Config;
        var clock = Stopwatch.StartNew();
        var json = new JsonOut().Add("command", "eval").Add("family", Gan.Family).Add("step", run.Step).Add("n", count);
        if (c.IsMlp)
        {
            var samples = run.Sample(count, seed);
            double mmd = Mmd.Squared(samples, ToyData.Sample(c.Data, count, seed + 1), 2);
            json.Add("data", c.Data).Add("mmd2", mmd);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gan on {c.Data}, step {run.Step}: MMD² of {count} samples to data {mmd:F5}"));
            if (c.Data == "8gaussians")
            {
                var modes = ModeCoverage.EightGaussians(samples);
                int covered = ModeCoverage.Covered(modes, count);
                Console.WriteLine($"modes covered: {covered} of 8 (≥ 1% of samples within 3σ = 0.3 of a centre; per mode {string.Join(", ", modes)})");
                json.Add("modes_covered", covered).Add("high_quality_fraction", modes.Sum() / (double)count);
            }
        }
        else
        {
            if (r.GetValue(o.NoFd)) throw new CliError("--no-fd leaves nothing to measure for an image GAN");
            string spec = r.GetValue(o.Data) ?? c.Data;
            var (test, split) = ImageDiffusionFamily.OpenHeldOut(spec);
            if (split != "test") throw new CliError($"{spec} has no test split for the Fréchet distance");
            if (test.Channels != 1 || test.Height != c.Height || test.Width != c.Width)
                throw new CliError($"{spec} holds {test.Channels}×{test.Height}×{test.Width} images, the model makes 1×{c.Height}×{c.Width}");
            var train = Dataset.Open(spec);
            using var clf = ClassifierFamily.ForFrechet(dev, train, r.GetValue(o.Classifier));
            int refN = Math.Min(count, Math.Min(train.Count, test.Count));
            var reference = clf.Reference(train, test, refN, seed);
            var stats = new GaussianStats(clf.FeatureDim);
            int correct = 0;
            const int chunk = 250;
            using (var bar = new ProgressBar("samples", count))
            {
                for (int start = 0; start < count; start += chunk)
                {
                    int m = Math.Min(chunk, count - start);
                    int[]? labels = run.Conditional ? Enumerable.Range(start, m).Select(i => i % c.Classes).ToArray() : null;
                    var x = run.Sample(m, seed, labels, stream: 1 + (ulong)(start / chunk));
                    stats.Add(clf.Features(x));
                    if (labels is not null)
                    {
                        using var scope = dev.NoGrad();
                        var predicted = clf.Predict(Tensor.FromArray(dev, x, m, 1, c.Height, c.Width));
                        for (int i = 0; i < m; i++) correct += predicted[i] == labels[i] ? 1 : 0;
                    }
                    bar.Report(start + m, "");
                }
            }
            double fd = FrechetDistance.Compute(stats, reference.Test);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gan on {spec}, step {run.Step}: Fréchet distance (classifier features) of {count} samples to the test images {fd:F3}; floor (train vs test, n = {refN}) {reference.Floor:F3}"));
            json.Add("data", spec).Add("fd", fd).Add("fd_floor", reference.Floor).Add("fd_floor_n", refN);
            if (run.Conditional)
            {
                double accuracy = correct / (double)count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classifier accuracy on class-conditional samples (class i mod {c.Classes}): {accuracy:P2}"));
                json.Add("class_accuracy", accuracy);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s on {dev.Name}"));
        if (r.GetValue(o.Json)) Console.WriteLine(json.Add("seconds", seconds).Add("device", dev.Name));
        return 0;
    }

    private static int[]? Labels(Gan run, int? cls, int count)
    {
        if (cls is not int k) return null;
        if (!run.Conditional) throw new CliError("--class: this GAN is unconditional");
        if (k < 0 || k >= run.Config.Classes) throw new CliError($"--class must be in 0 … {run.Config.Classes - 1}, got {k}");
        return Enumerable.Repeat(k, count).ToArray();
    }
}
