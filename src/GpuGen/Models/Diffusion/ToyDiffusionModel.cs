using System.Diagnostics;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Views;
using GpuGen.Pictures;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Diffusion;

/// <summary>The 2-D toy diffusion model ("ddpm-2d") as a <see cref="GenerativeModel"/>: samples over the data, MMD² to fresh data points.</summary>
public sealed class ToyDiffusionModel(Device device, string path) : GenerativeModel(device, path)
{
    private readonly ToyDiffusion model = ToyDiffusion.Load(device, path);

    public override ModelInfo Info => new(ToyDiffusion.Family, model.Step, model.Config.Data, model.Config.ToString());

    /// <summary>A cloud of --n points (20,000 by default) flowing from the Gaussian to the data.</summary>
    protected override LiveView ViewCore(ViewRequest request)
    {
        request.Refuse(Family, "--temperature");
        if (request.Class is not null || request.Guidance is not null) throw new ArgumentException($"{Family} models are unconditional: --class and --guidance do not apply");
        return new PointChainView(model)
        {
            Description = $"ddpm on {model.Config.Data}, step {model.Step}",
            Keys = "keys: space pause, → step, ← → scrub the computed chain (Home x_T, End newest), r new seed, d DDPM/DDIM, +/− speed, s save, esc quit",
            Count = request.Count(20_000),
            Sampler = request.Sampler ?? "ddim",
            Steps = request.StepsWithin(model.Schedule.Steps),
            Eta = request.Eta ?? 0,
        };
    }

    protected override SampleResult SampleCore(SampleRequest request)
    {
        int count = request.N;
        request.Refuse($"is for VAEs, not {Family} models", ["--recon", "--walk"]);
        if (request.Class is not null || (request.Guidance ?? 1f) != 1f) throw new ArgumentException($"{Family} models are unconditional: --class and --guidance do not apply");
        request.Refuse($"does not apply to {Family} models", ["--temperature", "--clip"]);
        string samplerName = request.Sampler ?? "ddpm";
        var spacing = request.Spacing is { } sp ? Timesteps.ParseSpacing(sp) : (TimestepSpacing?)null;
        IScheduler scheduler;
        try
        {
            scheduler = samplerName == "ddim"
                ? new DdimScheduler(model.Schedule, request.Steps ?? 50, request.Eta ?? 0f, spacing: spacing ?? TimestepSpacing.Linspace)
                : new DdpmScheduler(model.Schedule, request.Variance == "fixed_small", steps: request.Steps ?? 0, spacing: spacing ?? TimestepSpacing.Leading);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException(e.Message);
        }
        var (observer, frames) = DiffusionPictures.ChainRecorder(scheduler);
        bool chain = request.Wants(SamplePictures.Chain);
        var clock = Stopwatch.StartNew();
        var samples = model.Sample(count, request.Seed, request.UseEma, scheduler, chain ? observer : null);
        double seconds = clock.Elapsed.TotalSeconds;
        var data = model.DataSample(Math.Max(count, 2), request.Seed);
        double mmd = count >= 2 ? Mmd.Squared(samples, data, 2) : double.NaN;
        var pictures = new Dictionary<string, Image>();
        if (request.Wants(SamplePictures.Grid)) pictures[SamplePictures.Grid] = ToyPictures.SamplesOverData(data, samples, $"{samplerName} samples, {model.Config.Data}");
        if (chain) pictures[SamplePictures.Chain] = DiffusionPictures.Chain(frames, data);
        string line = $"{count} samples in {seconds:F2} s with {samplerName} ({scheduler.Timesteps.Count} steps) on {Device.Name}; MMD² to data {mmd:F5}";
        var json = new JsonOut().Add("command", "sample").Add("family", Family).Add("n", count).Add("sampler", samplerName)
            .Add("steps", scheduler.Timesteps.Count).Add("seconds", seconds).Add("mmd2", mmd).Add("device", Device.Name);
        return new SampleResult(samples, [count, 2], pictures, json, [line], seconds);
    }

    /// <summary>MMD² between n model samples and n fresh points of the data distribution.</summary>
    protected override JsonOut EvaluateCore(EvalRequest request, TextWriter report)
    {
        int count = request.N;
        if (request.Data is { } given && ToyData.Canonical(given) != model.Config.Data)
            throw new ArgumentException($"--data {given}: a 2-D model is measured on fresh points of its own generator ({model.Config.Data})");
        var clock = Stopwatch.StartNew();
        var samples = model.Sample(count, request.Seed, useEma: request.UseEma);
        var data = model.DataSample(Math.Max(count, 2), request.Seed);
        double mmd = count >= 2 ? Mmd.Squared(samples, data, 2) : double.NaN;
        report.WriteLine($"ddpm-2d on {model.Config.Data}, step {Step}: MMD² {mmd:F5} between {count} samples and {count} data points ({clock.Elapsed.TotalSeconds:F1} s on {Device.Name})");
        return new JsonOut().Add("command", "eval").Add("family", Family).Add("data", model.Config.Data)
            .Add("step", Step).Add("n", count).Add("mmd2", mmd).Add("device", Device.Name);
    }

    protected override ITrainingRun ContinueCore(int? pictureSamples) => new ToyDiffusionTraining(model, pictureSamples ?? 2000);

    /// <summary>The family's own model, for what needs more than this contract (the live view).</summary>
    public ToyDiffusion Model => model;

    protected override void DisposeModel() => model.Dispose();
}
