using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Flows;

namespace GpuGen.Cli.Commands.Families;

/// <summary>`gpugen sample` and `gpugen eval` for NICE and RealNVP checkpoints ("nice", "realnvp"), on images or 2-D toys.</summary>
internal static class FlowFamily
{
    public static int Sample(ParseResult r, SampleOptions o)
    {
        int count = r.GetValue(o.N);
        foreach (Option option in new Option[] { o.Chain, o.Guidance, o.Class, o.Recon, o.Walk })
            if (r.GetResult(option) is { Implicit: false })
                throw new CliError($"{option.Name} does not apply to flows (they are unconditional and sample in one inverse pass)");
        string? npyPath = r.GetValue(o.Npy) is { } p1 ? CommonOptions.OutputPath(p1, "--npy") : null;
        string? pngPath = r.GetValue(o.Png) is { } p2 ? CommonOptions.OutputPath(p2, "--grid") : null;
        float temperature = r.GetValue(o.Temperature);
        if (!(temperature >= 0)) throw new CliError($"--temperature must be 0 or positive, got {temperature}");
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = Flow.Load(dev, r.GetValue(o.Checkpoint)!);
        var c = run.Config;
        ulong seed = r.GetValue(o.Seed);
        var clock = Stopwatch.StartNew();
        var samples = run.Sample(count, temperature, seed);
        double seconds = clock.Elapsed.TotalSeconds;
        if (npyPath is not null) Npy.Write(npyPath, samples, c.IsToy ? [count, 2] : [count, c.Channels, c.Height, c.Width]);
        if (pngPath is not null) FlowPictures.Picture(run, samples, temperature, seed).SavePng(pngPath);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} samples in {seconds:F2} s at temperature {temperature} on {dev.Name}"));
        foreach (var written in new[] { npyPath, pngPath }.OfType<string>()) Console.WriteLine($"wrote {written}");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "sample").Add("family", c.Kind).Add("data", c.Data).Add("n", count)
                .Add("temperature", temperature).Add("seconds", seconds).Add("samples_per_s", count / Math.Max(1e-9, seconds))
                .Add("device", dev.Name).Add("npy", npyPath).Add("png", pngPath));
        return 0;
    }

    /// <summary>Images: test bits/dim (one uniform dequantization per image). 2-D toys: test NLL in nats on fresh points of the generator.</summary>
    public static int Eval(ParseResult r, EvalOptions o)
    {
        int count = r.GetValue(o.N);
        ulong seed = r.GetValue(o.Seed);
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = Flow.Load(dev, r.GetValue(o.Checkpoint)!);
        var c = run.Config;
        var clock = Stopwatch.StartNew();
        var json = new JsonOut().Add("command", "eval").Add("family", c.Kind).Add("step", run.Step);
        if (c.IsToy)
        {
            if (r.GetValue(o.Data) is { } given) throw new CliError($"--data {given}: a 2-D flow is measured on fresh points of its own generator ({c.Data})");
            double nll = run.ToyNll(count, seed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Kind} on {c.Data}, step {run.Step}: test NLL {nll:F4} nats on {count} fresh points of the generator ({clock.Elapsed.TotalSeconds:F1} s on {dev.Name})"));
            json.Add("data", c.Data).Add("n", count).Add("test_nll_nats", nll);
            if (ToyEntropy.IsKnown(c.Data))
            {
                // The floor under any model's NLL: the data's own entropy (exact mixture density, Monte Carlo).
                var (h, se) = ToyEntropy.Estimate(c.Data);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"the data's entropy: {h:F4} ± {se:F4} nats (exact mixture density at 200,000 generator points); gap {nll - h:F4} nats"));
                json.Add("data_entropy_nats", h).Add("gap_nats", nll - h);
            }
        }
        else
        {
            string spec = r.GetValue(o.Data) is { } given ? TrainClassifier.Canonical(given) : c.Data;
            var (test, split) = ImageDiffusionFamily.OpenHeldOut(spec);
            if (test.ExampleSize != c.Dim)
                throw new CliError($"{spec} holds {test.Channels}×{test.Height}×{test.Width} images, the flow {c.Channels}×{c.Height}×{c.Width}");
            int n = Math.Min(count, test.Count);
            double bpd;
            using (var bar = new ProgressBar("bits/dim", n))
                bpd = run.BitsPerDim(test, n, seed, done => bar.Report(done, ""));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Kind} on {spec}, step {run.Step}: test {bpd:F4} bits/dim over {n} {split} images ({clock.Elapsed.TotalSeconds:F1} s on {dev.Name})"));
            json.Add("data", spec).Add("split", split).Add("n", n).Add("test_bits_per_dim", bpd);
        }
        if (r.GetValue(o.Json)) Console.WriteLine(json.Add("seconds", clock.Elapsed.TotalSeconds).Add("device", dev.Name));
        return 0;
    }
}
