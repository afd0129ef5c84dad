using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Training;

namespace GpuGen.Models.Vae;

/// <summary>
/// A VAE or CVAE under <see cref="TrainingDriver"/>: batches in the config's seeded order (dynamically
/// binarized for a Bernoulli decoder), the negative ELBO per image as the loss, a sample grid as the picture.
/// </summary>
public sealed class VaeTraining : ITrainingRun
{
    private readonly Vae model;
    private readonly Dataset data;
    private DataLoader loader;
    private readonly int gridImages;

    public VaeTraining(Vae model, Dataset data, int gridImages)
    {
        var c = model.Config;
        if (c.Channels != data.Channels || c.Height != data.Height || c.Width != data.Width)
            throw new ArgumentException($"the model takes {c.Channels}×{c.Height}×{c.Width} images, the data has {data.Channels}×{data.Height}×{data.Width}");
        this.model = model;
        this.data = data;
        this.gridImages = gridImages;
        var scaling = c.Likelihood == VaeConfig.Bernoulli ? PixelScaling.Binarized : PixelScaling.ZeroToOne;
        loader = new DataLoader(data, model.Device, new DataLoaderOptions { BatchSize = c.Batch, Seed = c.Seed, StartBatch = model.Step, Scaling = scaling });
    }

    public Vae Model => model;
    public TrainingRunInfo Info => new(model.Config.Family, model.Config.Data, model.Config.ToString(), model.Network.ParameterCount());
    public long Step => model.Step;
    public IReadOnlyList<TrainingSeries> Series { get; } = [TrainingSeries.Loss("training loss (nats/image)")];

    public void TrainStep(Span<float> values)
    {
        using var scope = model.Device.Step();
        var batch = loader.Next();
        var labels = model.Config.Conditional ? batch.Indices.Select(i => data.Labels[i]).ToArray() : null;
        values[0] = model.TrainStep(batch.Images, labels);
    }

    public string Status(ReadOnlySpan<double> smoothed) => string.Create(CultureInfo.InvariantCulture, $"loss {smoothed[0]:F4} nats/image");

    public StateDict State() => model.State();

    public void Share(BatchShare share)
    {
        loader = loader.WithShare(share);
        model.Share = share;
    }

    public void Save(string path) => model.Save(path);

    public void WritePicture(string path, ulong seed) => VaePictures.SampleGrid(model, gridImages, null, seed, 1f, out _).SavePng(path);

    /// <summary>36 images decoded from the prior (a CVAE: 4 per class, a class per column).</summary>
    public TrainingPreview Preview(ulong seed)
    {
        var c = model.Config;
        int n = c.Conditional ? 4 * c.Classes : 36;
        int[]? labels = c.Conditional ? Enumerable.Range(0, n).Select(i => i % c.Classes).ToArray() : null;
        return TrainingPreview.Images(model.Sample(n, labels, seed), n, c.Channels, c.Height, c.Width, model.Step, "decoded from the prior")
            with { Low = 0, High = 1, Columns = c.Conditional ? c.Classes : 0 };
    }

    public void Finish(JsonOut summary, TrainingResult result, ulong seed, TextWriter report) => summary.Add("loss_unit", "nats/image");

    public void Dispose()
    {
        loader.Dispose();
        model.Dispose();
    }
}
