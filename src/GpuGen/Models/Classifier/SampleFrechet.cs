using System.Globalization;
using GpuGen.Data;
using GpuGen.Metrics;
using GpuGen.Tensors;

namespace GpuGen.Models.Classifier;

/// <summary>
/// How image families measure their samples in `gpugen eval`: the Fréchet distance, in the
/// classifier's feature space, between n samples and the test images (to set beside the floor, n
/// training against n test images), and for a conditional model how often the classifier gives a
/// sample of class c the class c.
/// </summary>
public static class SampleFrechet
{
    /// <summary>
    /// The classifier for Fréchet distances on <paramref name="train"/>'s kind of images: the checkpoint
    /// the request names, else the cached one, else one trained now (see <see cref="ClassifierCache"/>).
    /// </summary>
    public static ImageClassifier Classifier(Device device, Dataset train, EvalRequest request) =>
        ClassifierCache.GetOrTrain(device, train, request.Classifier, request.ClassifierCache,
            progress: p => request.Report("classifier", p.Step, p.TotalSteps, Status(p)), log: request.Log);

    /// <summary>
    /// Draws <paramref name="count"/> samples in chunks (<paramref name="sample"/> gets the chunk's first
    /// index, its size and, when <paramref name="classes"/> &gt; 0, its labels i mod classes, and returns
    /// images in [−1, 1]), and returns their Fréchet distance to <paramref name="reference"/>'s test
    /// images and, when <paramref name="classify"/>, the fraction the classifier labels as asked, over
    /// all samples and per class.
    /// </summary>
    public static SampleScores Measure(ImageClassifier classifier, FrechetReference reference, int count, int chunk,
        int classes, bool classify, int[] imageShape, Func<int, int, int[]?, float[]> sample, EvalRequest request)
    {
        var stats = new GaussianStats(classifier.FeatureDim);
        var correct = new long[Math.Max(classes, 0)];
        var asked = new long[Math.Max(classes, 0)];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int start = 0; start < count; start += chunk)
        {
            int m = Math.Min(chunk, count - start);
            // Balanced classes: sample i of the whole run gets class i mod classes.
            int[]? labels = classes > 0 ? Enumerable.Range(start, m).Select(i => i % classes).ToArray() : null;
            var x = sample(start, m, labels);
            stats.Add(classifier.Features(x));
            if (classify && labels is not null)
            {
                using var scope = classifier.Device.NoGrad();
                var predicted = classifier.Predict(Tensor.FromArray(classifier.Device, x, [m, .. imageShape]));
                for (int i = 0; i < m; i++)
                {
                    asked[labels[i]]++;
                    if (predicted[i] == labels[i]) correct[labels[i]]++;
                }
            }
            request.Report("samples", start + m, count, string.Create(CultureInfo.InvariantCulture, $"{(start + m) / clock.Elapsed.TotalSeconds:F1} samples/s"));
        }
        double distance = FrechetDistance.Compute(stats, reference.Test);
        if (!classify || classes <= 0) return new SampleScores(distance, double.NaN, []);
        return new SampleScores(distance, correct.Sum() / (double)count, [.. correct.Select((k, c) => k / (double)Math.Max(1, asked[c]))]);
    }

    /// <summary>The progress line of a classifier trained for the cache: smoothed loss and batch accuracy, speed and the time left.</summary>
    private static string Status(ClassifierProgress p)
    {
        double rate = p.Step / Math.Max(1e-9, p.Seconds);
        var eta = TimeSpan.FromSeconds(Math.Round((p.TotalSteps - p.Step) / Math.Max(1e-9, rate)));
        return $"loss {p.Loss:F4}  acc {p.Accuracy:P1}  {rate:F1} steps/s  ETA {eta:hh\\:mm\\:ss}";
    }
}

/// <summary>
/// What <see cref="SampleFrechet.Measure"/> found: the Fréchet distance, and for class-conditional samples
/// the fraction the classifier gave the class asked for, over all samples (NaN when not classified) and
/// per class (empty then).
/// </summary>
public sealed record SampleScores(double Distance, double Accuracy, double[] ClassAccuracy)
{
    /// <summary>The per-class fractions as one line, e.g. "0 91.0%, 1 98.3%, …".</summary>
    public string PerClassLine() =>
        string.Join(", ", ClassAccuracy.Select((a, c) => string.Create(CultureInfo.InvariantCulture, $"{c} {a:P1}")));
}
