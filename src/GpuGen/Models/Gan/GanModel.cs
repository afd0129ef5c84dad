using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Classifier;
using GpuGen.Models.Views;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Gan;

/// <summary>
/// A GAN or cGAN ("gan") as a <see cref="GenerativeModel"/>: samples from z (of one class for a cGAN);
/// on images the Fréchet distance and a cGAN's class accuracy, on 2-D toys MMD² and the modes covered.
/// </summary>
public sealed class GanModel(Device device, string path) : GenerativeModel(device, path)
{
    /// <summary>Samples drawn at once for the Fréchet distance.</summary>
    private const int Chunk = 250;

    private readonly Gan model = Gan.Load(device, path);

    public override ModelInfo Info => new(Gan.Family, model.Step, model.Config.Data, model.Config.ToString());

    /// <summary>G along latent walks: n images (36 by default), or a cGAN's row per class (8 each) unless --class picks one.</summary>
    protected override LiveView ViewCore(ViewRequest request)
    {
        var c = model.Config;
        if (c.IsMlp) throw new ArgumentException($"checkpoint {Path} holds a 2-D toy GAN; gpugen view shows image GANs (watch a toy GAN train with gpugen train gan --data {c.Data} --view)");
        request.Refuse(Family, "--sampler", "--eta", "--guidance", "--temperature");
        int classIndex = request.ClassIndex(c.Classes);
        var layout = c.Classes > 0 && classIndex < 0 ? LatentLayout.ClassRows : LatentLayout.Walks;
        int count = request.Count(layout == LatentLayout.ClassRows ? 8 * c.Classes : 36);
        var spec = new LatentViewSpec
        {
            Decode = model.Generate,
            Model = "gan",
            Latent = c.Latent,
            Channels = 1,
            Height = c.Height,
            Width = c.Width,
            Low = -1,
            High = 1,
            Layout = layout,
            Columns = layout == LatentLayout.ClassRows ? Math.Max(2, (count + c.Classes - 1) / c.Classes) : count,
            Classes = c.Classes,
            ClassIndex = classIndex,
            Steps = request.FramesPerTurn(120),
        };
        return new LatentWalkView(spec) { Description = $"gan on {c.Data}, step {model.Step}", Keys = LatentWalkView.WalkKeys, Count = spec.Walk(0).Count };
    }

    protected override SampleResult SampleCore(SampleRequest request)
    {
        int count = request.N;
        request.Refuse("does not apply to GANs (they sample in one pass of G)",
            ["--chain", "--guidance", "--recon", "--walk", "--temperature", .. SampleRequest.DiffusionOptions]);
        var labels = Labels(request.Class, count);
        var clock = Stopwatch.StartNew();
        var samples = model.Sample(count, request.Seed, labels);
        double seconds = clock.Elapsed.TotalSeconds;
        var pictures = new Dictionary<string, Image>();
        if (request.Wants(SamplePictures.Grid)) pictures[SamplePictures.Grid] = GanPictures.Samples(model, samples, count, $"gan on {model.Config.Data}, step {Step}");
        string line = string.Create(CultureInfo.InvariantCulture, $"{count} samples in {seconds:F3} s on {Device.Name} ({count / Math.Max(1e-9, seconds):F0} samples/s)");
        var json = new JsonOut().Add("command", "sample").Add("family", Family).Add("n", count).Add("seconds", seconds)
            .Add("samples_per_s", count / Math.Max(1e-9, seconds)).Add("device", Device.Name);
        return new SampleResult(samples, [count, .. model.SampleShape], pictures, json, [line], seconds);
    }

    /// <summary>
    /// Images: the Fréchet distance in the classifier's feature space between n samples and n test images,
    /// beside its floor (n training vs n test images), and for a cGAN the classifier's accuracy on samples
    /// of class i mod classes. 2-D toys: MMD² to the data and, on 8gaussians, the modes covered.
    /// </summary>
    protected override JsonOut EvaluateCore(EvalRequest request, TextWriter report)
    {
        int count = request.N;
        ulong seed = request.Seed;
        var c = model.Config;
        var clock = Stopwatch.StartNew();
        var json = new JsonOut().Add("command", "eval").Add("family", Family).Add("step", Step).Add("n", count);
        if (c.IsMlp)
        {
            if (request.Data is { } given && ToyData.Canonical(given) != c.Data)
                throw new ArgumentException($"--data {given}: a 2-D GAN is measured on fresh points of its own generator ({c.Data})");
            var samples = model.Sample(count, seed);
            double mmd = Mmd.Squared(samples, ToyData.Sample(c.Data, count, seed + 1), 2);
            json.Add("data", c.Data).Add("mmd2", mmd);
            report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gan on {c.Data}, step {Step}: MMD² of {count} samples to data {mmd:F5}"));
            if (c.Data == "8gaussians")
            {
                var modes = ModeCoverage.EightGaussians(samples);
                int covered = ModeCoverage.Covered(modes, count);
                report.WriteLine($"modes covered: {covered} of 8 (≥ 1% of samples within 3σ = 0.3 of a centre; per mode {string.Join(", ", modes)})");
                json.Add("modes_covered", covered).Add("high_quality_fraction", modes.Sum() / (double)count);
            }
        }
        else
        {
            if (!request.FrechetDistance) throw new ArgumentException("--no-fd leaves nothing to measure for an image GAN");
            string spec = request.Data ?? c.Data;
            var (test, split) = DataSpec.OpenHeldOut(spec);
            if (split != "test") throw new ArgumentException($"{spec} has no test split for the Fréchet distance");
            if (test.Channels != 1 || test.Height != c.Height || test.Width != c.Width)
                throw new ArgumentException($"{spec} holds {test.Channels}×{test.Height}×{test.Width} images, the model makes 1×{c.Height}×{c.Width}");
            var train = Dataset.Open(spec);
            using var clf = SampleFrechet.Classifier(Device, train, request);
            int refN = Math.Min(count, Math.Min(train.Count, test.Count));
            var reference = clf.Reference(train, test, refN, seed);
            var scores = SampleFrechet.Measure(clf, reference, count, Chunk, model.Conditional ? c.Classes : 0, classify: true, [1, c.Height, c.Width],
                (start, m, labels) => model.Sample(m, seed, labels, stream: 1 + (ulong)(start / Chunk)), request);
            double fd = scores.Distance;
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gan on {spec}, step {Step}: Fréchet distance (classifier features) of {count} samples to the test images {fd:F3}; floor (train vs test, n = {refN}) {reference.Floor:F3}"));
            json.Add("data", spec).Add("fd", fd).Add("fd_floor", reference.Floor).Add("fd_floor_n", refN);
            if (model.Conditional)
            {
                report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classifier accuracy on class-conditional samples (class i mod {c.Classes}): {scores.Accuracy:P2}; per class: {scores.PerClassLine()}"));
                json.Add("class_accuracy", scores.Accuracy).Add("class_accuracy_per_class", scores.ClassAccuracy);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s on {Device.Name}"));
        return json.Add("seconds", seconds).Add("device", Device.Name);
    }

    protected override ITrainingRun ContinueCore(int? pictureSamples)
    {
        var c = model.Config;
        return new GanTraining(model, c.IsMlp ? null : Dataset.Open(c.Data), pictureSamples ?? (c.IsMlp ? 2000 : model.Conditional ? 100 : 64));
    }

    /// <summary>The family's own model, for what needs more than this contract (the live view).</summary>
    public Gan Model => model;

    protected override void DisposeModel() => model.Dispose();

    private int[]? Labels(int? cls, int count)
    {
        if (cls is not int k) return null;
        if (!model.Conditional) throw new ArgumentException("--class: this GAN is unconditional");
        if (k < 0 || k >= model.Config.Classes) throw new ArgumentException($"--class must be in 0 … {model.Config.Classes - 1}, got {k}");
        return Enumerable.Repeat(k, count).ToArray();
    }
}
