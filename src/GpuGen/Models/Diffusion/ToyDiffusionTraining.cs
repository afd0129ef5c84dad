using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Pictures;
using GpuGen.Training;

namespace GpuGen.Models.Diffusion;

/// <summary>The 2-D diffusion model under <see cref="TrainingDriver"/>: fresh toy points every step, samples over data, MMD² at the end.</summary>
public sealed class ToyDiffusionTraining(ToyDiffusion model, int pictureSamples) : ITrainingRun
{
    private (long Step, ulong Seed, float[] Samples, double Seconds)? last;

    public ToyDiffusion Model => model;
    public TrainingRunInfo Info => new(ToyDiffusion.Family, model.Config.Data, model.Config.ToString(), model.Model.ParameterCount());
    public long Step => model.Step;
    public IReadOnlyList<TrainingSeries> Series { get; } = [TrainingSeries.Loss("training loss (mse on eps)", logScale: true)];

    public void TrainStep(Span<float> values) => values[0] = model.TrainStep();

    public string Status(ReadOnlySpan<double> smoothed) => string.Create(CultureInfo.InvariantCulture, $"loss {smoothed[0]:F4}");

    public StateDict State() => model.State();

    public void Share(BatchShare share) => model.Share(share);

    public void Save(string path) => model.Save(path);

    /// <summary>1,000 points from the EMA weights in 50 DDIM steps, over 20,000 of the data's.</summary>
    public TrainingPreview Preview(ulong seed)
    {
        backdrop ??= model.DataSample(20_000, seed);
        var points = model.Sample(1000, seed, scheduler: new DdimScheduler(model.Schedule, Math.Min(50, model.Schedule.Steps)));
        return TrainingPreview.Cloud(points, model.Step, "samples (EMA weights, 50 DDIM steps)") with { Backdrop = backdrop };
    }

    private float[]? backdrop;

    public void WritePicture(string path, ulong seed) =>
        ToyPictures.SamplesOverData(model.DataSample(pictureSamples, seed), Samples(seed), $"ddpm on {model.Config.Data}, step {model.Step}").SavePng(path);

    public void Finish(JsonOut summary, TrainingResult result, ulong seed, TextWriter report)
    {
        var samples = Samples(seed);
        double mmd = Mmd.Squared(samples, model.DataSample(pictureSamples, seed), 2);
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MMD² of {pictureSamples} samples to data {mmd:F5}"));
        summary.Add("mmd2", mmd).Add("sample_seconds", last!.Value.Seconds);
    }

    /// <summary>The picture's samples, drawn once per step and seed (the final picture and the MMD share them).</summary>
    private float[] Samples(ulong seed)
    {
        if (last is { } l && l.Step == model.Step && l.Seed == seed) return l.Samples;
        var clock = Stopwatch.StartNew();
        var samples = model.Sample(pictureSamples, seed);
        last = (model.Step, seed, samples, clock.Elapsed.TotalSeconds);
        return samples;
    }

    public void Dispose() => model.Dispose();
}
