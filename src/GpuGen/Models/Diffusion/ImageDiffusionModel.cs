using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Classifier;
using GpuGen.Models.Views;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// The image diffusion model ("ddpm-image") as a <see cref="GenerativeModel"/>: samples with DDPM or
/// DDIM (and guidance for a conditional model); eps_mse, bits/dim and the Fréchet distance as metrics.
/// </summary>
public sealed class ImageDiffusionModel(Device device, string path) : GenerativeModel(device, path)
{
    /// <summary>Samples drawn at once for the Fréchet distance.</summary>
    private const int Chunk = 250;

    private readonly ImageDiffusion model = ImageDiffusion.Load(device, path);

    public override ModelInfo Info => new(ImageDiffusion.Family, model.Step, model.Config.Data, model.Config.ToString());

    protected override LiveView ViewCore(ViewRequest request) => ChainView(model, request);

    /// <summary>
    /// The reverse chain of <paramref name="diffusion"/> (a grid of --n images, 64 by default; a conditional
    /// model at guidance 2 unless asked): what `gpugen view` and `gpugen demo` show.
    /// </summary>
    public static ImageChainView ChainView(ImageDiffusion diffusion, ViewRequest request)
    {
        request.Validate();
        request.Refuse(ImageDiffusion.Family, "--temperature");
        var c = diffusion.Config;
        int steps = request.StepsWithin(diffusion.Schedule.Steps);
        int classIndex = request.ClassIndex(diffusion.Conditional ? c.Classes : 0);
        if (!diffusion.Conditional && request.Guidance is not null) throw new ArgumentException("--guidance: this model is unconditional");
        return new ImageChainView(diffusion)
        {
            Description = $"ddpm on {c.Data}, step {diffusion.Step}",
            Keys = "keys: space pause, → step, ← → scrub the computed chain (Home x_T, End newest), r new seed, d DDPM/DDIM, c class, g/G guidance, +/− speed, s save, esc quit",
            Count = request.Count(64),
            Sampler = request.Sampler ?? "ddim",
            Steps = steps,
            Eta = request.Eta ?? 0,
            ClassIndex = classIndex,
            Guidance = request.Guidance ?? (diffusion.Conditional ? 2f : 1f),
        };
    }

    protected override SampleResult SampleCore(SampleRequest request)
    {
        int count = request.N;
        request.Refuse($"is for VAEs, not {Family} models", ["--recon", "--walk"]);
        request.Refuse($"does not apply to {Family} models", ["--temperature"]);
        string samplerName = request.Sampler ?? "ddpm";
        var scheduler = MakeScheduler(samplerName, request.Steps, request.Eta ?? 0f, request.Clip ?? 1f, request.Spacing, request.Variance == "fixed_small");
        float w = request.Guidance ?? 1f;
        int[]? labels = null;
        if (request.Class is int c)
        {
            if (!model.Conditional) throw new ArgumentException($"--class: this model is unconditional");
            if (c < 0 || c >= model.Config.Classes) throw new ArgumentException($"--class must be in 0 … {model.Config.Classes - 1}, got {c}");
            labels = Enumerable.Repeat(c, count).ToArray();
        }
        if (!model.Conditional && w != 1f) throw new ArgumentException("--guidance: this model is unconditional");

        var clock = Stopwatch.StartNew();
        using var session = model.StartSampling(count, request.Seed, scheduler, labels, w, request.UseEma);
        int rows = Math.Min(count, 8);
        var (observer, frames) = DiffusionPictures.ImageChainRecorder(scheduler, session.X, rows);
        bool chain = request.Wants(SamplePictures.Chain);
        session.Run(chain ? observer : null);
        var samples = session.X.ToArray();
        double seconds = clock.Elapsed.TotalSeconds;
        var pictures = new Dictionary<string, Image>();
        if (request.Wants(SamplePictures.Grid))
            pictures[SamplePictures.Grid] = DiffusionPictures.Grid(model, samples, count, labels is null && model.Conditional ? model.Config.Classes : 0);
        if (chain) pictures[SamplePictures.Chain] = DiffusionPictures.ImageChain(model, frames, rows);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{count} samples in {seconds:F2} s with {samplerName} ({scheduler.Timesteps.Count} steps{(model.Conditional ? $", guidance {w}" : "")}) on {Device.Name}");
        var json = new JsonOut().Add("command", "sample").Add("family", Family).Add("n", count).Add("sampler", samplerName)
            .Add("steps", scheduler.Timesteps.Count).Add("guidance", w).Add("seconds", seconds).Add("samples_per_s", count / Math.Max(1e-9, seconds))
            .Add("device", Device.Name);
        return new SampleResult(samples, [count, .. model.ImageShape], pictures, json, [line], seconds);
    }

    /// <summary>
    /// eps_mse on held-out images, bits/dim (L_vlb) on a subset of them, and the Fréchet distance in the
    /// classifier's feature space between n samples and n test images, beside the floor (n training vs
    /// n test images).
    /// </summary>
    protected override JsonOut EvaluateCore(EvalRequest request, TextWriter report)
    {
        int count = request.N, bpdN = request.BpdN, bpdT = request.BpdTimesteps;
        if (bpdN < 1) throw new ArgumentException($"--bpd-n must be a positive number, got {bpdN}");
        if (bpdT < 0) throw new ArgumentException($"--bpd-timesteps must be 0 (all) or positive, got {bpdT}");
        ulong seed = request.Seed;
        var c = model.Config;
        string spec = request.Data ?? c.Data;
        var (test, split) = DataSpec.OpenHeldOut(spec);
        if (test.Channels != c.ImageChannels || test.Height != c.Height || test.Width != c.Width)
            throw new ArgumentException($"{spec} ({split}) holds {test.Channels}×{test.Height}×{test.Width} images, the model {c.ImageChannels}×{c.Height}×{c.Width}");
        var scheduler = request.FrechetDistance ? MakeScheduler(request.Sampler, request.Steps, 0f, 1f, null, false) : null;
        float w = request.Guidance;
        if (!model.Conditional && w != 1f) throw new ArgumentException("--guidance: this model is unconditional");
        var images = Scaled(test);
        int mseN = Math.Min(count, test.Count), bpdCount = Math.Min(bpdN, test.Count);

        var clock = Stopwatch.StartNew();
        double epsMse = DiffusionMetrics.EpsMse(model, images, mseN, seed, useEma: request.UseEma);
        double bpd = DiffusionMetrics.BitsPerDim(model, images, bpdCount, seed, bpdT, useEma: request.UseEma,
            progress: (done, total) => request.Report("bits/dim", done, total));
        string bpdWhat = bpdT == 0 || bpdT >= model.Schedule.Steps - 1 ? "all timesteps" : $"{bpdT} of {model.Schedule.Steps - 1} timesteps";
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ddpm-image on {spec}, step {Step}: eps_mse {epsMse:F5} ({mseN} {split} images), bits/dim {bpd:F3} ({bpdCount} images, {bpdWhat})"));

        var json = new JsonOut().Add("command", "eval").Add("family", Family).Add("data", spec).Add("split", split)
            .Add("step", Step).Add("n", count).Add("eps_mse", epsMse).Add("eps_mse_n", mseN).Add("bits_per_dim", bpd).Add("bpd_n", bpdCount)
            .Add("bpd_timesteps", bpdT == 0 ? model.Schedule.Steps - 1 : Math.Min(bpdT, model.Schedule.Steps - 1));
        if (scheduler is not null)
        {
            if (split != "test") throw new ArgumentException($"{spec} has no test split for the Fréchet distance; pass --no-fd");
            var train = Dataset.Open(spec);
            using var clf = SampleFrechet.Classifier(Device, train, request);
            var reference = clf.Reference(train, test, Math.Min(count, Math.Min(train.Count, test.Count)), seed);
            var sampling = Stopwatch.StartNew();
            double fd = SampleFrechet.Measure(clf, reference, count, Chunk, model.Conditional ? c.Classes : 0, classify: false, model.ImageShape,
                (start, m, labels) =>
                {
                    var x = model.Sample(m, seed + 1 + (ulong)(start / Chunk), scheduler, labels, w, request.UseEma);
                    for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i], -1f, 1f);
                    return x;
                }, request).Distance;
            double sampleSeconds = sampling.Elapsed.TotalSeconds;
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Fréchet distance (classifier features) of {count} samples ({scheduler.Timesteps.Count}-step {request.Sampler}{(model.Conditional ? $", guidance {w}" : "")}) to the test images: {fd:F3}; floor (train vs test, n = {Math.Min(count, test.Count)}): {reference.Floor:F3}"));
            json.Add("fd", fd).Add("fd_floor", reference.Floor).Add("sampler", request.Sampler).Add("sample_steps", scheduler.Timesteps.Count)
                .Add("guidance", w).Add("sample_seconds", sampleSeconds);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s on {Device.Name}"));
        return json.Add("seconds", seconds).Add("device", Device.Name);
    }

    protected override ITrainingRun ContinueCore(int? pictureSamples) =>
        new ImageDiffusionTraining(model, Dataset.Open(model.Config.Data), pictureSamples ?? 64, sampleSteps: 50);

    /// <summary>The family's own model, for what needs more than this contract (the live view).</summary>
    public ImageDiffusion Model => model;

    protected override void DisposeModel() => model.Dispose();

    private IScheduler MakeScheduler(string sampler, int? steps, float eta, float clip, string? spacing, bool fixedSmall) =>
        model.Scheduler(sampler, steps ?? 0, eta, clip, spacing is null ? null : Timesteps.ParseSpacing(spacing), fixedSmall);

    /// <summary>All images as floats in [−1, 1], (v − 127.5)/127.5 as the data loader scales them.</summary>
    private static float[] Scaled(Dataset data)
    {
        var pixels = data.Pixels;
        var result = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) result[i] = (pixels[i] - 127.5f) / 127.5f;
        return result;
    }
}
