using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.IO;
using GpuGen.Models.PixelCnn;

namespace GpuGen.Cli.Commands.Families;

/// <summary>`gpugen sample` and `gpugen eval` for PixelCNN ("pixelcnn").</summary>
internal static class PixelCnnFamily
{
    /// <summary>Raster-order samples; --chain writes the raster fill (snapshots of the first rows images).</summary>
    public static int Sample(ParseResult r, SampleOptions o)
    {
        int count = r.GetValue(o.N);
        string? npyPath = r.GetValue(o.Npy) is { } p1 ? CommonOptions.OutputPath(p1, "--npy") : null;
        string? gridPath = r.GetValue(o.Png) is { } p2 ? CommonOptions.OutputPath(p2, "--grid") : null;
        string? fillPath = r.GetValue(o.Chain) is { } p3 ? CommonOptions.OutputPath(p3, "--chain") : null;
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = PixelCnn.Load(dev, r.GetValue(o.Checkpoint)!);
        int[]? labels = null;
        if (r.GetValue(o.Class) is int k)
        {
            if (!run.Conditional) throw new CliError("--class: this PixelCNN is unconditional");
            if (k < 0 || k >= run.Config.Classes) throw new CliError($"--class must be in 0 … {run.Config.Classes - 1}, got {k}");
            labels = Enumerable.Repeat(k, count).ToArray();
        }
        int rows = Math.Min(count, 8);
        var (observer, frames) = PixelCnnPictures.FillRecorder(run, rows);
        var clock = Stopwatch.StartNew();
        var images = run.Sample(count, r.GetValue(o.Seed), labels, fillPath is null ? null : observer);
        double seconds = clock.Elapsed.TotalSeconds;
        var c = run.Config;
        if (npyPath is not null) Npy.Write(npyPath, images.Select(v => v / 255f).ToArray(), [count, 1, c.Height, c.Width]);
        if (gridPath is not null) PixelCnnPictures.Samples(run, images, count).SavePng(gridPath);
        if (fillPath is not null) PixelCnnPictures.Fill(run, frames, rows).SavePng(fillPath);
        double rate = count / Math.Max(1e-9, seconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} samples ({c.Height * c.Width} pixels each, raster order) in {seconds:F2} s on {dev.Name}: {rate:F2} images/s"));
        foreach (var written in new[] { npyPath, gridPath, fillPath }.OfType<string>()) Console.WriteLine($"wrote {written}");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "sample").Add("family", PixelCnn.Family).Add("n", count).Add("seconds", seconds)
                .Add("images_per_s", rate).Add("device", dev.Name).Add("npy", npyPath).Add("grid", gridPath).Add("chain", fillPath));
        return 0;
    }

    /// <summary>The exact test negative log-likelihood in bits/dim over the first n held-out images (all of them by default).</summary>
    public static int Eval(ParseResult r, EvalOptions o)
    {
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = PixelCnn.Load(dev, r.GetValue(o.Checkpoint)!);
        var c = run.Config;
        string spec = r.GetValue(o.Data) ?? c.Data;
        var (test, split) = ImageDiffusionFamily.OpenHeldOut(spec);
        if (test.Channels != 1 || test.Height != c.Height || test.Width != c.Width)
            throw new CliError($"{spec} ({split}) holds {test.Channels}×{test.Height}×{test.Width} images, the model 1×{c.Height}×{c.Width}");
        if (run.Conditional && !test.HasLabels) throw new CliError($"{spec} ({split}) has no labels, which this conditional PixelCNN needs");
        int n = Math.Min(r.GetValue(o.N), test.Count);
        var clock = Stopwatch.StartNew();
        double bpd;
        using (var bar = new ProgressBar("bits/dim", n))
            bpd = run.BitsPerDim(test.Pixels[..(n * run.PixelsPerImage)], n, run.Conditional ? test.Labels[..n] : default,
                progress: (done, _) => bar.Report(done, ""));
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pixelcnn on {spec}, step {run.Step}: exact NLL {bpd:F4} bits/dim on {n} {split} images ({seconds:F1} s on {dev.Name})"));
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "eval").Add("family", PixelCnn.Family).Add("data", spec).Add("split", split)
                .Add("step", run.Step).Add("n", n).Add("test_bits_per_dim", bpd).Add("seconds", seconds).Add("device", dev.Name));
        return 0;
    }
}
