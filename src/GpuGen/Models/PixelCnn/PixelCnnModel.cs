using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Views;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.PixelCnn;

/// <summary>PixelCNN ("pixelcnn") as a <see cref="GenerativeModel"/>: raster-order samples and their fill; the exact test NLL in bits/dim.</summary>
public sealed class PixelCnnModel(Device device, string path) : GenerativeModel(device, path)
{
    private readonly PixelCnn model = PixelCnn.Load(device, path);

    public override ModelInfo Info => new(PixelCnn.Family, model.Step, model.Config.Data, model.Config.ToString());

    /// <summary>Raster-order samples as v/255; the chain picture is the raster fill (snapshots of the first rows' images).</summary>
    /// <summary>A grid of --n images (16 by default) filling in raster order.</summary>
    protected override LiveView ViewCore(ViewRequest request)
    {
        request.Refuse(Family, "--sampler", "--eta", "--guidance", "--temperature", "--steps");
        return new RasterView(model)
        {
            Description = $"pixelcnn on {model.Config.Data}, step {model.Step}",
            Keys = "keys: space pause, → one pixel, ← → scrub, r new seed, +/− speed, s save, esc quit",
            Count = request.Count(16),
            ClassIndex = request.ClassIndex(model.Config.Classes),
        };
    }

    protected override SampleResult SampleCore(SampleRequest request)
    {
        int count = request.N;
        request.Refuse("does not apply to PixelCNN (it samples pixel by pixel in raster order)",
            ["--guidance", "--recon", "--walk", "--temperature", .. SampleRequest.DiffusionOptions]);
        int[]? labels = null;
        if (request.Class is int k)
        {
            if (!model.Conditional) throw new ArgumentException("--class: this PixelCNN is unconditional");
            if (k < 0 || k >= model.Config.Classes) throw new ArgumentException($"--class must be in 0 … {model.Config.Classes - 1}, got {k}");
            labels = Enumerable.Repeat(k, count).ToArray();
        }
        int rows = Math.Min(count, 8);
        var (observer, frames) = PixelCnnPictures.FillRecorder(model, rows);
        bool fill = request.Wants(SamplePictures.Chain);
        var clock = Stopwatch.StartNew();
        var images = model.Sample(count, request.Seed, labels, fill ? observer : null);
        double seconds = clock.Elapsed.TotalSeconds;
        var c = model.Config;
        var pictures = new Dictionary<string, Image>();
        if (request.Wants(SamplePictures.Grid)) pictures[SamplePictures.Grid] = PixelCnnPictures.Samples(model, images, count);
        if (fill) pictures[SamplePictures.Chain] = PixelCnnPictures.Fill(model, frames, rows);
        double rate = count / Math.Max(1e-9, seconds);
        string line = string.Create(CultureInfo.InvariantCulture, $"{count} samples ({c.Height * c.Width} pixels each, raster order) in {seconds:F2} s on {Device.Name}: {rate:F2} images/s");
        var json = new JsonOut().Add("command", "sample").Add("family", Family).Add("n", count).Add("seconds", seconds)
            .Add("images_per_s", rate).Add("device", Device.Name);
        return new SampleResult(images.Select(v => v / 255f).ToArray(), [count, 1, c.Height, c.Width], pictures, json, [line], seconds);
    }

    /// <summary>The exact test negative log-likelihood in bits/dim over the first n held-out images (all of them by default).</summary>
    protected override JsonOut EvaluateCore(EvalRequest request, TextWriter report)
    {
        var c = model.Config;
        string spec = request.Data ?? c.Data;
        var (test, split) = DataSpec.OpenHeldOut(spec);
        if (test.Channels != 1 || test.Height != c.Height || test.Width != c.Width)
            throw new ArgumentException($"{spec} ({split}) holds {test.Channels}×{test.Height}×{test.Width} images, the model 1×{c.Height}×{c.Width}");
        if (model.Conditional && !test.HasLabels) throw new ArgumentException($"{spec} ({split}) has no labels, which this conditional PixelCNN needs");
        int n = Math.Min(request.N, test.Count);
        var clock = Stopwatch.StartNew();
        double bpd = model.BitsPerDim(test.Pixels[..(n * model.PixelsPerImage)], n, model.Conditional ? test.Labels[..n] : default,
            progress: (done, _) => request.Report("bits/dim", done, n));
        double seconds = clock.Elapsed.TotalSeconds;
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pixelcnn on {spec}, step {Step}: exact NLL {bpd:F4} bits/dim on {n} {split} images ({seconds:F1} s on {Device.Name})"));
        return new JsonOut().Add("command", "eval").Add("family", Family).Add("data", spec).Add("split", split)
            .Add("step", Step).Add("n", n).Add("test_bits_per_dim", bpd).Add("seconds", seconds).Add("device", Device.Name);
    }

    protected override ITrainingRun ContinueCore(int? pictureSamples) => new PixelCnnTraining(model, Dataset.Open(model.Config.Data), pictureSamples ?? 16);

    /// <summary>The family's own model, for what needs more than this contract (the live view).</summary>
    public PixelCnn Model => model;

    protected override void DisposeModel() => model.Dispose();
}
