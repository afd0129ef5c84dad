using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Classifier;
using GpuGen.Models.Views;
using GpuGen.Random;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Vae;

/// <summary>
/// A VAE or CVAE ("vae", "cvae") as a <see cref="GenerativeModel"/>: samples at a temperature,
/// reconstructions and latent walks; the test ELBO (and an importance-weighted bound) and the
/// Fréchet distance of samples as metrics.
/// </summary>
public sealed class VaeModel(Device device, string path) : GenerativeModel(device, path)
{
    /// <summary>Philox stream of the fixed binarization of held-out images ("EVBN"); a training epoch's is another.</summary>
    private const ulong EvalBinarizeStream = 0x4556_424E_0000_0000;

    private const int Chunk = 500;

    private readonly Vae model = Vae.Load(device, path);

    public override ModelInfo Info => new(model.Config.Family, model.Step, model.Config.Data, model.Config.ToString());

    /// <summary>
    /// A VAE: an 8×8 grid (side √n) over the two latent dims that move the decoded image most; a CVAE:
    /// one row per class (n/classes columns), or n images of --class walking.
    /// </summary>
    protected override LiveView ViewCore(ViewRequest request)
    {
        request.Refuse(Family, "--sampler", "--eta", "--guidance", "--temperature");
        var c = model.Config;
        int classIndex = request.ClassIndex(c.Conditional ? c.Classes : 0);
        var layout = !c.Conditional ? (c.Latent >= 2 ? LatentLayout.Grid : LatentLayout.Walks) : classIndex >= 0 ? LatentLayout.Walks : LatentLayout.ClassRows;
        int count = request.Count(64);
        var (dim1, dim2) = layout == LatentLayout.Grid ? LatentDims.MostInfluential(model.DecodePrior, c.Latent) : (0, 1);
        var spec = new LatentViewSpec
        {
            Decode = model.DecodePrior,
            Dim1 = dim1,
            Dim2 = dim2,
            Model = c.Family,
            Latent = c.Latent,
            Channels = c.Channels,
            Height = c.Height,
            Width = c.Width,
            Layout = layout,
            Side = Math.Max(2, (int)Math.Round(Math.Sqrt(count))),
            Columns = layout == LatentLayout.ClassRows ? Math.Max(2, request.N is null ? 8 : (count + c.Classes - 1) / c.Classes) : count,
            Classes = c.Conditional ? c.Classes : 0,
            ClassIndex = classIndex,
            Steps = request.FramesPerTurn(120),
        };
        return new LatentWalkView(spec) { Description = $"{c.Family} on {c.Data}, step {model.Step}", Keys = LatentWalkView.WalkKeys, Count = spec.Walk(0).Count };
    }

    protected override SampleResult SampleCore(SampleRequest request)
    {
        int count = request.N;
        if (request.Wants(SamplePictures.Chain) || request.Guidance is not null)
            throw new ArgumentException("--chain and --guidance are for diffusion models, not VAEs");
        request.Refuse("is for diffusion models, not VAEs", SampleRequest.DiffusionOptions);
        float temperature = request.Temperature ?? 1f;
        if (!(temperature >= 0)) throw new ArgumentException($"--temperature must be 0 or positive, got {temperature}");
        var c = model.Config;
        int? cls = request.Class;
        if (cls is int k && (!c.Conditional || k < 0 || k >= c.Classes))
            throw new ArgumentException(c.Conditional ? $"--class must be in 0 … {c.Classes - 1}, got {k}" : "--class: a VAE is unconditional (train a cvae)");

        var clock = Stopwatch.StartNew();
        var grid = VaePictures.SampleGrid(model, count, cls, request.Seed, temperature, out var samples);
        double seconds = clock.Elapsed.TotalSeconds;
        var pictures = new Dictionary<string, Image>();
        var lines = new List<string>();
        if (request.Wants(SamplePictures.Grid)) pictures[SamplePictures.Grid] = grid;
        bool recon = request.Wants(SamplePictures.Recon), walk = request.Wants(SamplePictures.Walk);
        if (recon || walk)
        {
            var (test, split) = DataSpec.OpenHeldOut(c.Data);
            CheckShape(test, c.Data);
            if (recon) pictures[SamplePictures.Recon] = VaePictures.Reconstructions(model, test, 16);
            if (walk) pictures[SamplePictures.Walk] = c.Latent == 2 ? VaePictures.Walk2D(model, cls ?? 0) : VaePictures.Interpolations(model, test, 8, 10);
            lines.Add($"held-out images from {c.Data} ({split} split)");
        }
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"{count} samples in {seconds:F2} s at temperature {temperature} on {Device.Name}{(c.Conditional && cls is null ? " (one row per class)" : "")}"));
        var json = new JsonOut().Add("command", "sample").Add("family", c.Family).Add("n", count).Add("temperature", temperature)
            .Add("seconds", seconds).Add("samples_per_s", count / Math.Max(1e-9, seconds)).Add("device", Device.Name);
        return new SampleResult(samples, [count, c.Channels, c.Height, c.Width], pictures, json, lines, seconds);
    }

    /// <summary>
    /// Test ELBO in nats per image (one z per image, KL in closed form) on held-out images — binarized once
    /// with a fixed Philox stream for a Bernoulli decoder, v/255 for a Gaussian one — and with k &gt; 0 an
    /// importance-weighted bound; with the Fréchet distance, that of samples in the classifier's
    /// features, and for a CVAE how often samples of class c are classified as c.
    /// </summary>
    protected override JsonOut EvaluateCore(EvalRequest request, TextWriter report)
    {
        int count = request.N, k = request.K;
        if (k < 0) throw new ArgumentException($"--k must be 0 (ELBO only) or positive, got {k}");
        ulong seed = request.Seed;
        var c = model.Config;
        string spec = request.Data is { } given ? DataSpec.Canonical(given) : c.Data;
        var (test, split) = DataSpec.OpenHeldOut(spec);
        CheckShape(test, spec);
        if (c.Conditional && !test.HasLabels) throw new ArgumentException($"{spec} ({split}) has no labels, which a CVAE's ELBO needs");
        int n = Math.Min(count, test.Count);
        bool binarize = c.Likelihood == VaeConfig.Bernoulli;

        var clock = Stopwatch.StartNew();
        double elboSum = 0, iwSum = 0;
        for (int start = 0; start < n; start += Chunk)
        {
            int m = Math.Min(Chunk, n - start);
            var x = Inputs(test, start, m, binarize, seed);
            var labels = c.Conditional ? test.Labels.Slice(start, m).ToArray() : null;
            var (elbo, iw) = model.Evaluate(x, labels, Math.Max(k, 1), seed, (ulong)start);
            elboSum += elbo.Sum();
            iwSum += iw.Sum();
            request.Report("ELBO", start + m, n, string.Create(CultureInfo.InvariantCulture, $"ELBO {elboSum / (start + m):F2} nats"));
        }
        double testElbo = elboSum / n, testIw = iwSum / n;
        string data = binarize ? "binarized once with a fixed seed" : "v/255";
        string iwText = k >= 1 ? string.Create(CultureInfo.InvariantCulture, $"; importance-weighted bound (k = {k}) {testIw:F2}") : "";
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Family} on {spec}, step {Step}: test ELBO {testElbo:F2} nats/image over {n} {split} images ({data}){iwText}"));

        var json = new JsonOut().Add("command", "eval").Add("family", c.Family).Add("data", spec).Add("split", split).Add("step", Step)
            .Add("n", n).Add("test_elbo_nats", testElbo);
        if (k >= 1) json.Add("k", k).Add("test_iw_nats", testIw);
        if (request.FrechetDistance)
        {
            if (split != "test") throw new ArgumentException($"{spec} has no test split for the Fréchet distance; pass --no-fd");
            SampleMetrics(spec, test, n, request, json, report);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s on {Device.Name}"));
        return json.Add("seconds", seconds).Add("device", Device.Name);
    }

    protected override ITrainingRun ContinueCore(int? pictureSamples) => new VaeTraining(model, Dataset.Open(model.Config.Data), pictureSamples ?? 100);

    /// <summary>The family's own model, for what needs more than this contract (the live view).</summary>
    public Vae Model => model;

    protected override void DisposeModel() => model.Dispose();

    /// <summary>Fréchet distance of n samples to the test images in the classifier's features, and a CVAE's class accuracy.</summary>
    private void SampleMetrics(string spec, Dataset test, int n, EvalRequest request, JsonOut json, TextWriter report)
    {
        var c = model.Config;
        var train = Dataset.Open(spec);
        using var clf = SampleFrechet.Classifier(Device, train, request);
        bool classify = c.Conditional && clf.Config.Classes == c.Classes;
        var reference = clf.Reference(train, test, Math.Min(n, Math.Min(train.Count, test.Count)), request.Seed);
        var scores = SampleFrechet.Measure(clf, reference, n, Chunk, c.Conditional ? c.Classes : 0, classify, [c.Channels, c.Height, c.Width],
            (start, m, labels) =>
            {
                var x = model.Sample(m, labels, request.Seed + 1 + (ulong)(start / Chunk));
                for (int i = 0; i < x.Length; i++) x[i] = 2 * x[i] - 1;
                return x;
            }, request);
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Fréchet distance (classifier features) of {n} samples to the test images: {scores.Distance:F3}; floor (train vs test): {reference.Floor:F3}"));
        json.Add("fd", scores.Distance).Add("fd_floor", reference.Floor);
        if (classify)
        {
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"samples of class c classified as c: {scores.Accuracy:P1} (chance {1.0 / c.Classes:P1}); per class: {scores.PerClassLine()}"));
            json.Add("class_accuracy", scores.Accuracy).Add("class_accuracy_per_class", scores.ClassAccuracy).Add("chance", 1.0 / c.Classes);
        }
    }

    /// <summary>m held-out images from <paramref name="start"/> as the model's input [m, D]: binarized (fixed stream) or v/255.</summary>
    private static float[] Inputs(Dataset data, int start, int m, bool binarize, ulong seed)
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

    private void CheckShape(Dataset data, string spec)
    {
        var c = model.Config;
        if (data.Channels != c.Channels || data.Height != c.Height || data.Width != c.Width)
            throw new ArgumentException($"{spec} holds {data.Channels}×{data.Height}×{data.Width} images, the model {c.Channels}×{c.Height}×{c.Width}");
    }
}
