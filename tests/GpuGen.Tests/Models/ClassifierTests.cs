using GpuGen.Data;
using GpuGen.Metrics;
using GpuGen.Models.Classifier;
using GpuGen.Tensors;

namespace GpuGen.Tests.Models;

public class ClassifierTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-classifier-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A small network and a short run: enough for the synthetic shapes, seconds on the CPU.</summary>
    internal static ClassifierConfig Tiny(int steps = 80) => new(Classes: SyntheticShapes.Classes, Width1: 8, Width2: 16, Width3: 16,
        FeatureDim: 32, Dropout: 0.1f, LearningRate: 3e-3f, Batch: 32, Steps: steps, Seed: 7);

    [Fact]
    public void LearnsSyntheticShapesToHighTestAccuracy()
    {
        using var device = Device.Cpu();
        var train = SyntheticShapes.Dataset(512, seed: 1);
        var test = SyntheticShapes.Dataset(200, seed: 2);
        using var clf = ImageClassifier.Create(device, Tiny());
        double before = clf.Accuracy(test);
        var losses = new List<double>();
        clf.Train(train, p => losses.Add(p.Loss));
        Assert.Equal(80, clf.Step);
        Assert.Equal(80, losses.Count);
        var evaluation = clf.Evaluate(test);
        Assert.True(evaluation.Accuracy >= 0.95, $"test accuracy {evaluation.Accuracy:P1} after 80 steps (was {before:P1} untrained)");
        Assert.True(losses[^1] < 0.5 * losses[0], $"smoothed loss went from {losses[0]} to {losses[^1]}");
        Assert.Equal(200, evaluation.Count);
        Assert.Equal([50, 50, 50, 50], evaluation.ClassCounts);
        Assert.All(evaluation.ClassAccuracy, a => Assert.True(a >= 0.85, $"per-class accuracy {a:P1}"));
        int diagonal = 0;
        for (int c = 0; c < 4; c++) diagonal += evaluation.Confusion[c, c];
        Assert.Equal(evaluation.Accuracy, diagonal / 200.0, 12);

        // Predict agrees with Evaluate; features are [N, FeatureDim], finite, and not all zero.
        var labels = test.Labels.ToArray();
        using var images = Upload(device, test);
        var predicted = clf.Predict(images);
        Assert.Equal(evaluation.Accuracy, predicted.Zip(labels).Count(p => p.First == p.Second) / 200.0, 12);
        var features = clf.Features(images);
        Assert.Equal(200, features.GetLength(0));
        Assert.Equal(32, features.GetLength(1));
        Assert.All(features.Cast<double>(), v => Assert.True(double.IsFinite(v) && v >= 0));
        Assert.Contains(features.Cast<double>(), v => v > 0);
    }

    [Fact]
    public void SaveLoadKeepsPredictionsAndFeaturesIncludingBatchNormStatistics()
    {
        using var device = Device.Cpu();
        var train = SyntheticShapes.Dataset(128, seed: 3);
        using var clf = ImageClassifier.Create(device, Tiny(steps: 5));
        clf.Train(train);
        string path = Path.Combine(dir, "c.safetensors");
        clf.Save(path);
        using var back = ImageClassifier.Load(device, path);
        Assert.Equal(clf.Config, back.Config);
        Assert.Equal(5, back.Step);
        using var images = Upload(device, SyntheticShapes.Dataset(40, seed: 4));
        Assert.Equal(clf.Logits(images), back.Logits(images));
        Assert.Equal(clf.Features(images), back.Features(images));
        // An untrained network with the same seed differs (the running statistics and weights moved).
        using var fresh = ImageClassifier.Create(device, Tiny(steps: 5));
        Assert.NotEqual(clf.Logits(images), fresh.Logits(images));
    }

    [Fact]
    public void FeaturesDoNotDependOnHowImagesAreBatched()
    {
        using var device = Device.Cpu();
        using var clf = ImageClassifier.Create(device, Tiny(steps: 3));
        clf.Train(SyntheticShapes.Dataset(96, seed: 5));
        var data = SyntheticShapes.Dataset(ImageClassifier.EvalBatch + 37, seed: 6);
        var host = ToFloats(data);
        using var images = Tensor.FromArray(device, host, data.Count, 1, 28, 28);
        var all = clf.Features(images);                // two chunks inside
        var fromHost = clf.Features(host);
        Assert.Equal(all, fromHost);
        int half = 300;
        var first = clf.Features(host.AsSpan(0, half * 784));
        var second = clf.Features(host.AsSpan(half * 784));
        for (int i = 0; i < data.Count; i++)
            for (int j = 0; j < clf.FeatureDim; j++)
                Assert.Equal(all[i, j], i < half ? first[i, j] : second[i - half, j], 5);
        // Streaming statistics over the dataset equal those of all features at once.
        var streamed = clf.FeatureStats(data);
        var direct = GaussianStats.Of(all);
        Assert.Equal(data.Count, streamed.Count);
        for (int i = 0; i < clf.FeatureDim; i++) Assert.Equal(direct.Mean[i], streamed.Mean[i], 9);
    }

    [Fact]
    public void FrechetReferenceIsSmallForOneDistributionAndLargerForAnother()
    {
        using var device = Device.Cpu();
        var train = SyntheticShapes.Dataset(400, seed: 8);
        var test = SyntheticShapes.Dataset(400, seed: 9);
        using var clf = ImageClassifier.Create(device, Tiny(steps: 40));
        clf.Train(train);
        var reference = clf.Reference(train, test, n: 300, seed: 1);
        Assert.Equal(300, reference.Train.Count);
        Assert.Equal(300, reference.Test.Count);
        Assert.True(reference.Floor > 0 && double.IsFinite(reference.Floor), $"floor {reference.Floor}");
        Assert.Equal(0, FrechetDistance.Compute(reference.Test, reference.Test), 9);
        // Only bars (classes 0 and 1): a different distribution is much further than the floor.
        var bars = SyntheticShapes.Dataset(600, seed: 10);
        var keep = Enumerable.Range(0, bars.Count).Where(i => bars.Labels[i] < 2).ToArray();
        var pixels = keep.SelectMany(i => bars.Example(i).ToArray()).ToArray();
        var onlyBars = new Dataset(pixels, keep.Length, 1, 28, 28);
        double fd = FrechetDistance.Compute(clf.FeatureStats(onlyBars, 300), reference.Test);
        Assert.True(fd > 3 * reference.Floor, $"FD of bars only {fd}, floor {reference.Floor}");
    }

    [Fact]
    public void BadInputGetsClearErrors()
    {
        using var device = Device.Cpu();
        using var clf = ImageClassifier.Create(device, Tiny(steps: 1));
        var unlabelled = new Dataset(new byte[2 * 784], 2, 1, 28, 28);
        Assert.Contains("no labels", Assert.Throws<ArgumentException>(() => clf.Train(unlabelled)).Message);
        var small = new Dataset(new byte[2 * 256], 2, 1, 16, 16, [0, 1]);
        Assert.Contains("16×16", Assert.Throws<ArgumentException>(() => clf.Evaluate(small)).Message);
        using var wrong = Tensor.Zeros(device, 2, 3, 28, 28);
        Assert.Contains("[N, 1, 28, 28]", Assert.Throws<ArgumentException>(() => clf.Features(wrong)).Message);
        Assert.Throws<ArgumentException>(() => clf.Features(new float[783]));
        Assert.Throws<ArgumentException>(() => new ClassifierConfig(Height: 30).Validate());
        string notClassifier = Path.Combine(dir, "x.safetensors");
        File.WriteAllBytes(notClassifier, [1, 2, 3]);
        var e = Assert.ThrowsAny<Exception>(() => ImageClassifier.Load(device, notClassifier));
        Assert.Contains("x.safetensors", e.Message);
    }

    [Fact]
    public void MirroredDataHoldsFlippedCopiesWithTheirLabels()
    {
        var data = SyntheticShapes.Dataset(6, seed: 12);
        var both = ImageClassifier.WithMirrors(data);
        Assert.Equal(12, both.Count);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(data.Labels[i], both.Labels[6 + i]);
            Assert.True(data.Example(i).SequenceEqual(both.Example(i)));
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++) Assert.Equal(data.Example(i)[y * 28 + x], both.Example(6 + i)[y * 28 + 27 - x]);
        }
    }

    [Fact]
    public void CosineLearningRateFallsFromTheStartToZero()
    {
        var config = new ClassifierConfig(LearningRate: 0.01f, Steps: 100);
        Assert.Equal(0.01f, ImageClassifier.LearningRateAt(config, 0));
        Assert.Equal(0.005f, ImageClassifier.LearningRateAt(config, 50), 6);
        Assert.Equal(0f, ImageClassifier.LearningRateAt(config, 100), 9);
    }

    internal static float[] ToFloats(Dataset data)
    {
        var x = new float[data.Count * data.ExampleSize];
        for (int i = 0; i < x.Length; i++) x[i] = (data.Pixels[i] - 127.5f) / 127.5f;
        return x;
    }

    private static Tensor Upload(Device device, Dataset data) =>
        Tensor.FromArray(device, ToFloats(data), data.Count, data.Channels, data.Height, data.Width);
}
