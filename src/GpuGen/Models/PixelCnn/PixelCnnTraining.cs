using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Training;

namespace GpuGen.Models.PixelCnn;

/// <summary>
/// PixelCNN under <see cref="TrainingDriver"/>: 8-bit pixels of batches in the config's seeded order,
/// the 256-way cross-entropy in nats per pixel as the loss, a sample grid (drawn pixel by pixel) as the
/// picture; the run's summary adds the training bits/dim and the sampling speed of the last grid.
/// </summary>
public sealed class PixelCnnTraining : ITrainingRun
{
    private readonly PixelCnn model;
    private readonly Dataset data;
    private DataLoader loader;
    private readonly int gridImages;
    private readonly byte[] pixels;
    private readonly int[] labels;
    private double imagesPerSecond = double.NaN;

    public PixelCnnTraining(PixelCnn model, Dataset data, int gridImages)
    {
        var c = model.Config;
        if (data.Channels != 1) throw new ArgumentException($"PixelCNN here models one-channel images, this data has {data.Channels} channels");
        if (c.Height != data.Height || c.Width != data.Width)
            throw new ArgumentException($"the model takes {c.Height}×{c.Width} images, the data has {data.Height}×{data.Width}");
        this.model = model;
        this.data = data;
        this.gridImages = gridImages;
        pixels = new byte[c.Batch * model.PixelsPerImage];
        labels = new int[c.Batch];
        loader = new DataLoader(data, model.Device, new DataLoaderOptions { BatchSize = c.Batch, Seed = c.Seed, StartBatch = model.Step });
    }

    public PixelCnn Model => model;
    public TrainingRunInfo Info => new(PixelCnn.Family, model.Config.Data, model.Config.ToString(), model.Net.ParameterCount());
    public long Step => model.Step;
    public IReadOnlyList<TrainingSeries> Series { get; } = [TrainingSeries.Loss("training loss (nats per pixel)")];

    public void TrainStep(Span<float> values)
    {
        using var scope = model.Device.Step();
        var batch = loader.Next();
        int n = batch.Count, p = model.PixelsPerImage;
        for (int i = 0; i < n; i++)
        {
            data.Example(batch.Indices[i]).CopyTo(pixels.AsSpan(i * p, p));
            if (model.Conditional) labels[i] = data.Labels[batch.Indices[i]];
        }
        values[0] = model.TrainStep(pixels.AsSpan(0, n * p), n, model.Conditional ? labels.AsSpan(0, n) : default);
    }

    public string Status(ReadOnlySpan<double> smoothed) =>
        string.Create(CultureInfo.InvariantCulture, $"loss {smoothed[0]:F4} nats ({smoothed[0] / Math.Log(2):F3} bits/dim)");

    public StateDict State() => model.State();

    public void Share(BatchShare share) => loader = loader.WithShare(share);

    public void Save(string path) => model.Save(path);

    public void WritePicture(string path, ulong seed)
    {
        var clock = Stopwatch.StartNew();
        var images = model.Sample(gridImages, seed);
        imagesPerSecond = gridImages / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
        PixelCnnPictures.Samples(model, images, gridImages).SavePng(path);
    }

    /// <summary>Four images drawn pixel by pixel (a conditional model: one per class), the pictures' sampler; about half a second an image on two cores.</summary>
    public TrainingPreview Preview(ulong seed)
    {
        var c = model.Config;
        int n = model.Conditional ? c.Classes : 4;
        var images = model.Sample(n, seed);
        var values = new float[images.Length];
        for (int i = 0; i < images.Length; i++) values[i] = images[i];
        return TrainingPreview.Images(values, n, 1, c.Height, c.Width, model.Step, "samples, pixel by pixel") with { Low = 0, High = 255, Columns = model.Conditional ? n : 0 };
    }

    public void Finish(JsonOut summary, TrainingResult result, ulong seed, TextWriter report)
    {
        double bits = result.Final(0) / Math.Log(2);
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bits:F4} bits/dim in training (mean of the last 100); sampling {imagesPerSecond:F2} images/s"));
        summary.Add("train_bits_per_dim", bits).Add("images_per_s", imagesPerSecond);
    }

    public void Dispose()
    {
        loader.Dispose();
        model.Dispose();
    }
}
