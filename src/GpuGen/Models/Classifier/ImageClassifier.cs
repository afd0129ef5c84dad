using System.Diagnostics;
using GpuGen.Autograd;
using GpuGen.Data;
using GpuGen.Metrics;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Classifier;

/// <summary>
/// The engine's own image classifier (a small CNN, <see cref="ClassifierNet"/>), trained with Adam and a
/// cosine learning-rate decay on a labelled dataset. Besides predicting labels it is the feature
/// extractor of the Fréchet distance that the generative families report (their "FID"): its 128
/// penultimate activations stand in for Inception's pool features.
/// </summary>
/// <example>
/// <code>
/// using var clf = ImageClassifier.Create(device, new ClassifierConfig(Steps: 4000));
/// clf.Train(Dataset.Open("fashion-mnist"));
/// double accuracy = clf.Accuracy(Dataset.Open("fashion-mnist", new DatasetOptions { Split = DatasetSplit.Test }));
/// var reference = clf.Reference(train, test, n: 10_000, seed: 0);
/// double fd = FrechetDistance.Compute(clf.FeatureStats(samples), reference.Test);
/// </code>
/// </example>
public sealed class ImageClassifier : IDisposable
{
    public const string Family = "classifier";

    /// <summary>Images per forward pass when predicting or extracting features.</summary>
    public const int EvalBatch = 500;

    private ImageClassifier(Device device, ClassifierConfig config)
    {
        config.Validate();
        Config = config;
        Device = device;
        Net = new ClassifierNet(device, config, new Initializer(config.Seed));
        Optimizer = new Adam(Net.Parameters(), config.LearningRate);
    }

    public static ImageClassifier Create(Device device, ClassifierConfig config) => new(device, config);

    /// <summary>Restores a classifier from a checkpoint written by <see cref="Save"/>; errors name the file.</summary>
    public static ImageClassifier Load(Device device, string path)
    {
        return Checkpoint.Load(path, [Family], c => new ImageClassifier(device, ConfigJson.Read<ClassifierConfig>(c)), r => r.State());
    }

    public ClassifierConfig Config { get; }

    public Device Device { get; }

    public ClassifierNet Net { get; }

    public Adam Optimizer { get; }

    public long Step => Optimizer.StepCount;

    /// <summary>Number of features per image that <see cref="Features(Tensor)"/> returns.</summary>
    public int FeatureDim => Config.FeatureDim;

    /// <summary>Writes the weights, BatchNorm statistics, Adam state and config atomically.</summary>
    /// <summary>The run's state as its checkpoints name it: weights, buffers and optimizer state.</summary>
    public StateDict State() => new StateDict(Net).WithOptimizer(Optimizer);

    public void Save(string path) => Checkpoint.Save(path, Family, ConfigJson.Write(Config), Step, State());

    /// <summary>The learning rate at step t of T: lr·½(1 + cos(πt/T)) (Loshchilov &amp; Hutter 2017 without restarts).</summary>
    public static float LearningRateAt(ClassifierConfig config, long step) =>
        (float)(config.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, config.Steps) / config.Steps)));

    /// <summary>
    /// One optimisation step on images [B, C, H, W] in [−1, 1] and int labels [B]; returns the batch's
    /// mean cross-entropy and the number it classified correctly (before the update).
    /// </summary>
    public (float Loss, int Correct) TrainStep(Tensor images, Tensor labels)
    {
        Net.Train();
        using var scope = Device.Step();
        Optimizer.LearningRate = LearningRateAt(Config, Step);
        var logits = Net.Logits(images, dropoutStream: (ulong)Step);
        var loss = Ops.CrossEntropy(logits, labels);
        Optimizer.ZeroGrad();
        loss.Backward();
        Optimizer.Step();
        int correct = CountCorrect(logits.ToArray(), labels.ToIntArray(), Config.Classes);
        return (loss.Item(), correct);
    }

    /// <summary>
    /// Trains on <paramref name="train"/> until <see cref="Step"/> reaches the config's step count, in
    /// shuffled batches (with mirrored copies of every image when the config asks for flips).
    /// <paramref name="progress"/> sees every step.
    /// </summary>
    public void Train(Dataset train, Action<ClassifierProgress>? progress = null, CancellationToken cancel = default)
    {
        CheckDataset(train, "training data");
        var data = Config.FlipAugment ? WithMirrors(train) : train;
        using var loader = new DataLoader(data, Device, new DataLoaderOptions
        {
            BatchSize = Math.Min(Config.Batch, data.Count),
            Seed = Config.Seed,
        });
        var clock = Stopwatch.StartNew();
        double loss = double.NaN, accuracy = double.NaN;
        while (Step < Config.Steps)
        {
            cancel.ThrowIfCancellationRequested();
            float batchLoss;
            int correct, count;
            using (var batch = loader.Next())
            {
                (batchLoss, correct) = TrainStep(batch.Images, batch.Labels!);
                count = batch.Count;
            }
            if (!float.IsFinite(batchLoss)) throw new Training.TrainingDivergedException(Step, "classifier loss", batchLoss, lastGood: null);
            double batchAccuracy = (double)correct / count;
            loss = double.IsNaN(loss) ? batchLoss : 0.98 * loss + 0.02 * batchLoss;
            accuracy = double.IsNaN(accuracy) ? batchAccuracy : 0.98 * accuracy + 0.02 * batchAccuracy;
            progress?.Invoke(new ClassifierProgress(Step, Config.Steps, loss, accuracy, clock.Elapsed.TotalSeconds));
        }
    }

    // ---- inference -------------------------------------------------------------------------------

    /// <summary>Logits [N·Classes] (row-major) of images [N, C, H, W] in [−1, 1], in batches of <see cref="EvalBatch"/>.</summary>
    public float[] Logits(Tensor images)
    {
        int n = CheckImages(images);
        var logits = new float[(long)n * Config.Classes];
        ForEachChunk(images, (start, chunk) =>
        {
            using var y = Net.Logits(chunk);
            y.ToArray().CopyTo(logits, (long)start * Config.Classes);
        });
        return logits;
    }

    /// <summary>The most likely class of each image [N, C, H, W] in [−1, 1].</summary>
    public int[] Predict(Tensor images) => ArgMax(Logits(images), Config.Classes);

    /// <summary>The penultimate activations [N, FeatureDim] of images [N, C, H, W] in [−1, 1], in float64.</summary>
    public double[,] Features(Tensor images)
    {
        int n = CheckImages(images);
        var features = new double[n, FeatureDim];
        ForEachChunk(images, (start, chunk) =>
        {
            using var f = Net.Features(chunk);
            var host = f.ToArray();
            for (int i = 0; i < host.Length; i++) features[start + i / FeatureDim, i % FeatureDim] = host[i];
        });
        return features;
    }

    /// <summary>The penultimate activations of host images [N·C·H·W] in [−1, 1] (uploaded in batches).</summary>
    public double[,] Features(ReadOnlySpan<float> images)
    {
        int size = Config.Channels * Config.Height * Config.Width;
        if (images.Length % size != 0)
            throw new ArgumentException($"classifier expects images of {Config.Channels}×{Config.Height}×{Config.Width} = {size} values, got {images.Length} values (not a multiple)");
        int n = images.Length / size;
        var features = new double[n, FeatureDim];
        for (int start = 0; start < n; start += EvalBatch)
        {
            int count = Math.Min(EvalBatch, n - start);
            using var scope = Device.NoGrad();
            var chunk = Tensor.FromSpan(Device, images.Slice(start * size, count * size), [count, Config.Channels, Config.Height, Config.Width]);
            float[] host = [];
            InEvalMode(() => host = Net.Features(chunk).ToArray());
            for (int i = 0; i < host.Length; i++) features[start + i / FeatureDim, i % FeatureDim] = host[i];
        }
        return features;
    }

    /// <summary>Mean and covariance of the features of images [N, C, H, W] in [−1, 1].</summary>
    public GaussianStats FeatureStats(Tensor images) => GaussianStats.Of(Features(images));

    /// <summary>Mean and covariance of the features of host images [N·C·H·W] in [−1, 1].</summary>
    public GaussianStats FeatureStats(ReadOnlySpan<float> images) => GaussianStats.Of(Features(images));

    /// <summary>
    /// Mean and covariance of the features of <paramref name="n"/> images of <paramref name="data"/>
    /// drawn without replacement by a Philox shuffle of <paramref name="seed"/> (all of them when
    /// n ≥ the dataset's size or is null), accumulated batch by batch.
    /// </summary>
    public GaussianStats FeatureStats(Dataset data, int? n = null, ulong seed = 0)
    {
        CheckDataset(data, "data", needLabels: false);
        var subset = Subset(data, n, seed);
        var stats = new GaussianStats(FeatureDim);
        using var loader = EvalLoader(subset);
        foreach (var batch in loader.NextEpoch())
        {
            using (batch) stats.Add(Features(batch.Images));
        }
        return stats;
    }

    /// <summary>
    /// Feature statistics of n training and n test images and the Fréchet distance between them
    /// (the floor for samples compared against the test statistics).
    /// </summary>
    public FrechetReference Reference(Dataset train, Dataset test, int n, ulong seed = 0)
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), n, "a Fréchet distance needs at least two images per set");
        var trainStats = FeatureStats(train, n, seed);
        var testStats = FeatureStats(test, n, seed);
        return new FrechetReference(trainStats, testStats, FrechetDistance.Compute(trainStats, testStats));
    }

    /// <summary>Accuracy, loss and per-class accuracies on a labelled dataset.</summary>
    public ClassifierEvaluation Evaluate(Dataset data)
    {
        CheckDataset(data, "evaluation data");
        int classes = Config.Classes;
        var confusion = new int[classes, classes];
        double lossSum = 0;
        using var loader = EvalLoader(data);
        foreach (var batch in loader.NextEpoch())
        {
            using (batch)
            {
                var logits = Logits(batch.Images);
                var labels = batch.Labels!.ToIntArray();
                var predicted = ArgMax(logits, classes);
                for (int i = 0; i < labels.Length; i++)
                {
                    confusion[labels[i], predicted[i]]++;
                    lossSum += CrossEntropy(logits.AsSpan(i * classes, classes), labels[i]);
                }
            }
        }
        var counts = new int[classes];
        var perClass = new double[classes];
        int correct = 0;
        for (int c = 0; c < classes; c++)
        {
            for (int p = 0; p < classes; p++) counts[c] += confusion[c, p];
            correct += confusion[c, c];
            perClass[c] = counts[c] > 0 ? (double)confusion[c, c] / counts[c] : double.NaN;
        }
        return new ClassifierEvaluation(data.Count, (double)correct / data.Count, lossSum / data.Count, counts, perClass, confusion);
    }

    /// <summary>The fraction of a labelled dataset classified correctly.</summary>
    public double Accuracy(Dataset data) => Evaluate(data).Accuracy;

    public void Dispose()
    {
        Optimizer.Dispose();
        Net.Dispose();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /// <summary>Runs forward passes in evaluation mode (running BatchNorm statistics, no dropout).</summary>
    private void InEvalMode(Action forward)
    {
        bool was = Net.Training;
        Net.Eval();
        try
        {
            forward();
        }
        finally
        {
            Net.Train(was);
        }
    }

    /// <summary>Calls <paramref name="body"/> on slices of at most <see cref="EvalBatch"/> images, in evaluation mode, without gradients.</summary>
    private void ForEachChunk(Tensor images, Action<int, Tensor> body)
    {
        int n = images.Dim(0);
        for (int start = 0; start < n; start += EvalBatch)
        {
            int count = Math.Min(EvalBatch, n - start);
            using var scope = Device.NoGrad();
            var chunk = count == n ? images.Detach() : Ops.Narrow(images.Detach(), 0, start, count);
            InEvalMode(() => body(start, chunk));
        }
    }

    private int CheckImages(Tensor images)
    {
        if (!ReferenceEquals(images.Device, Device))
            throw new ArgumentException($"images {images.Describe()} are on {images.Device.Name}, the classifier on {Device.Name}");
        if (images.Rank != 4 || images.Dim(1) != Config.Channels || images.Dim(2) != Config.Height || images.Dim(3) != Config.Width)
            throw new ArgumentException($"classifier expects images [N, {Config.Channels}, {Config.Height}, {Config.Width}], got {images.Describe()}");
        return images.Dim(0);
    }

    private void CheckDataset(Dataset data, string what, bool needLabels = true)
    {
        if (data.Channels != Config.Channels || data.Height != Config.Height || data.Width != Config.Width)
            throw new ArgumentException($"{what} {data.Name}: images are {data.Channels}×{data.Height}×{data.Width}, the classifier takes {Config.Channels}×{Config.Height}×{Config.Width}");
        if (data.Count == 0) throw new ArgumentException($"{what} {data.Name}: holds no images");
        if (!needLabels) return;
        if (!data.HasLabels) throw new ArgumentException($"{what} {data.Name}: has no labels; a classifier needs labelled images");
        if (data.ClassNames.Count > Config.Classes)
            throw new ArgumentException($"{what} {data.Name}: has {data.ClassNames.Count} classes, the classifier {Config.Classes}");
    }

    private DataLoader EvalLoader(Dataset data) => new(data, Device, new DataLoaderOptions
    {
        BatchSize = Math.Min(EvalBatch, data.Count),
        Shuffle = false,
        DropLast = false,
    });

    /// <summary>n images drawn without replacement by the loader's Philox permutation (epoch 0) of <paramref name="seed"/>.</summary>
    internal static Dataset Subset(Dataset data, int? n, ulong seed)
    {
        if (n is null || n >= data.Count) return data;
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "need at least one image");
        var order = DataLoader.Permutation(data.Count, seed, 0);
        int size = data.ExampleSize;
        var pixels = new byte[(long)n.Value * size];
        int[]? labels = data.HasLabels ? new int[n.Value] : null;
        for (int i = 0; i < n; i++)
        {
            data.Example(order[i]).CopyTo(pixels.AsSpan(i * size, size));
            if (labels is not null) labels[i] = data.Labels[order[i]];
        }
        return new Dataset(pixels, n.Value, data.Channels, data.Height, data.Width, labels, data.HasLabels ? data.ClassNames : null, $"{data.Name} ({n} drawn)");
    }

    /// <summary>The dataset followed by a left–right mirror image of every example (same labels).</summary>
    public static Dataset WithMirrors(Dataset data)
    {
        int size = data.ExampleSize, w = data.Width, rows = data.Channels * data.Height;
        var pixels = new byte[2L * data.Count * size];
        data.Pixels.CopyTo(pixels);
        var mirrored = pixels.AsSpan(data.Count * size);
        for (int i = 0; i < data.Count; i++)
        {
            var src = data.Example(i);
            for (int r = 0; r < rows; r++)
                for (int x = 0; x < w; x++) mirrored[i * size + r * w + x] = src[r * w + (w - 1 - x)];
        }
        int[]? labels = data.HasLabels ? [.. data.Labels, .. data.Labels] : null;
        return new Dataset(pixels, 2 * data.Count, data.Channels, data.Height, data.Width, labels, data.HasLabels ? data.ClassNames : null, $"{data.Name} (with mirrors)");
    }

    private static int[] ArgMax(float[] logits, int classes)
    {
        var best = new int[logits.Length / classes];
        for (int i = 0; i < best.Length; i++)
        {
            int b = 0;
            for (int c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + b]) b = c;
            best[i] = b;
        }
        return best;
    }

    private static int CountCorrect(float[] logits, int[] labels, int classes)
    {
        var predicted = ArgMax(logits, classes);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) correct++;
        return correct;
    }

    /// <summary>−log softmax(z)[label], in float64 with the max subtracted.</summary>
    private static double CrossEntropy(ReadOnlySpan<float> z, int label)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v - max);
        return Math.Log(sum) + max - z[label];
    }
}
