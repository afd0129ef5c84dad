using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Pictures;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Classifier;

/// <summary>
/// The Fréchet-distance classifier under <see cref="TrainingDriver"/>: shuffled batches of the training
/// images (with mirrored copies when the config asks for flips), cross-entropy and batch accuracy per
/// step; its picture shows, per class, held-out images it assigns to that class; the run ends with the
/// test accuracy where the data has a test split.
/// </summary>
public sealed class ClassifierTraining : ITrainingRun
{
    /// <summary>Held-out images sorted into the picture's rows.</summary>
    private const int PictureImages = 400;

    private readonly ImageClassifier model;
    private readonly Dataset? test;
    private readonly Dataset shown;
    private DataLoader loader;
    private readonly int perClass;

    public ClassifierTraining(ImageClassifier model, Dataset train, Dataset? test, int perClass)
    {
        var c = model.Config;
        if (train.Channels != c.Channels || train.Height != c.Height || train.Width != c.Width)
            throw new ArgumentException($"the classifier takes {c.Channels}×{c.Height}×{c.Width} images, the data has {train.Channels}×{train.Height}×{train.Width}");
        this.model = model;
        this.test = test;
        this.perClass = perClass;
        shown = test ?? train;
        var data = c.FlipAugment ? ImageClassifier.WithMirrors(train) : train;
        loader = new DataLoader(data, model.Device, new DataLoaderOptions { BatchSize = Math.Min(c.Batch, data.Count), Seed = c.Seed, StartBatch = model.Step });
    }

    public ImageClassifier Model => model;
    public TrainingRunInfo Info => new(ImageClassifier.Family, model.Config.Data, model.Config.ToString(), model.Net.ParameterCount());
    public long Step => model.Step;

    public IReadOnlyList<TrainingSeries> Series { get; } =
        [TrainingSeries.Loss("training loss (cross-entropy)", logScale: true), new("acc", "train_accuracy", "batch accuracy")];

    public void TrainStep(Span<float> values)
    {
        using var batch = loader.Next();
        var (loss, correct) = model.TrainStep(batch.Images, batch.Labels!);
        values[0] = loss;
        values[1] = (float)correct / batch.Count;
    }

    public string Status(ReadOnlySpan<double> s) => string.Create(CultureInfo.InvariantCulture, $"loss {s[0]:F4}  acc {s[1]:P1}");

    public StateDict State() => model.State();

    public void Share(BatchShare share) => loader = loader.WithShare(share);

    public void Save(string path) => model.Save(path);

    /// <summary>One row per class: the first held-out images the classifier assigns to it (blank where it assigns none).</summary>
    public void WritePicture(string path, ulong seed)
    {
        var c = model.Config;
        int n = Math.Min(PictureImages, shown.Count), size = shown.ExampleSize;
        var pixels = new float[n * size];
        for (int i = 0; i < n; i++)
        {
            var example = shown.Example(i);
            for (int k = 0; k < size; k++) pixels[i * size + k] = example[k] / 127.5f - 1f;
        }
        int[] predicted;
        using (model.Device.NoGrad())
            predicted = model.Predict(Tensor.FromArray(model.Device, pixels, n, c.Channels, c.Height, c.Width));
        var tiles = new float[c.Classes * perClass * size];
        Array.Fill(tiles, -1f);
        var filled = new int[c.Classes];
        for (int i = 0; i < n; i++)
        {
            int k = predicted[i];
            if (filled[k] == perClass) continue;
            pixels.AsSpan(i * size, size).CopyTo(tiles.AsSpan((k * perClass + filled[k]++) * size));
        }
        Grid.FromFloats(tiles, c.Classes * perClass, c.Channels, c.Height, c.Width, cols: perClass, scale: Grid.ScaleFor(c.Height)).SavePng(path);
    }

    public void Finish(JsonOut summary, TrainingResult result, ulong seed, TextWriter report)
    {
        if (test is null)
        {
            report.WriteLine($"{model.Config.Data} has no test split; no test accuracy");
            summary.Add("test_accuracy", double.NaN);
            return;
        }
        var evaluation = model.Evaluate(test);
        ClassifierReport.Print(evaluation, test, report);
        ClassifierReport.AddTo(summary, evaluation, test);
    }

    public void Dispose()
    {
        loader.Dispose();
        model.Dispose();
    }
}
