using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Pictures;
using GpuGen.Training;

namespace GpuGen.Models.Diffusion;

/// <summary>
/// Image diffusion under <see cref="TrainingDriver"/>: batches in the seeded order of the model's
/// config (continued at the model's step on resume), DDIM sample grids — a conditional model's classes
/// as columns, at guidance 2.
/// </summary>
public sealed class ImageDiffusionTraining : ITrainingRun
{
    private readonly ImageDiffusion model;
    private readonly Dataset data;
    private DataLoader loader;
    private readonly int gridImages, sampleSteps;

    public ImageDiffusionTraining(ImageDiffusion model, Dataset data, int gridImages, int sampleSteps)
    {
        var c = model.Config;
        if (c.ImageChannels != data.Channels || c.Height != data.Height || c.Width != data.Width)
            throw new ArgumentException($"the model takes {c.ImageChannels}×{c.Height}×{c.Width} images, the data has {data.Channels}×{data.Height}×{data.Width}");
        this.model = model;
        this.data = data;
        this.gridImages = gridImages;
        this.sampleSteps = sampleSteps;
        loader = new DataLoader(data, model.Device, new DataLoaderOptions { BatchSize = c.Batch, Seed = c.Seed, StartBatch = model.Step });
        Series = [TrainingSeries.Loss($"training loss (mse on {Prediction.Name(c.Prediction)})", logScale: true)];
    }

    public ImageDiffusion Model => model;
    public TrainingRunInfo Info => new(ImageDiffusion.Family, model.Config.Data, model.Config.ToString(), model.Net.ParameterCount());
    public long Step => model.Step;
    public IReadOnlyList<TrainingSeries> Series { get; }

    public void TrainStep(Span<float> values)
    {
        using var scope = model.Device.Step();
        var batch = loader.Next();
        var labels = model.Conditional ? batch.Indices.Select(i => data.Labels[i]).ToArray() : null;
        values[0] = model.TrainStep(batch.Images, labels);
    }

    public string Status(ReadOnlySpan<double> smoothed) => string.Create(CultureInfo.InvariantCulture, $"loss {smoothed[0]:F4}");

    public StateDict State() => model.State();

    public void Share(BatchShare share)
    {
        loader = loader.WithShare(share);
        model.Trainer.Share = share;
    }

    public void Save(string path) => model.Save(path);

    /// <summary>16 images from the EMA weights, 20 DDIM steps (a conditional model: the classes in turn, guidance 2).</summary>
    public TrainingPreview Preview(ulong seed)
    {
        const int n = 16;
        var scheduler = model.Scheduler("ddim", Math.Min(20, model.Schedule.Steps));
        float[] samples = model.Conditional
            ? model.Sample(n, seed, scheduler, Enumerable.Range(0, n).Select(i => i % model.Config.Classes).ToArray(), 2f)
            : model.Sample(n, seed, scheduler);
        var c = model.Config;
        return TrainingPreview.Images(samples, n, c.ImageChannels, c.Height, c.Width, model.Step, "samples (EMA weights, 20 DDIM steps)");
    }

    public void WritePicture(string path, ulong seed)
    {
        var scheduler = model.Scheduler("ddim", Math.Min(sampleSteps, model.Schedule.Steps));
        var samples = model.Sample(gridImages, seed, scheduler, guidance: model.Conditional ? 2f : 1f);
        DiffusionPictures.Grid(model, samples, gridImages, model.Conditional ? model.Config.Classes : 0).SavePng(path);
    }

    public void Finish(JsonOut summary, TrainingResult result, ulong seed, TextWriter report)
    {
    }

    public void Dispose()
    {
        loader.Dispose();
        model.Dispose();
    }
}
