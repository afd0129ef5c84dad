using GpuGen.Data;
using GpuGen.Models.Classifier;
using GpuGen.Models.Vae;
using GpuGen.Tensors;
using Xunit.Abstractions;

namespace GpuGen.Tests.Models;

/// <summary>
/// CVAE samples carry their class: samples of class c, drawn around the learned prior mean μ_c and
/// decoded with label c, are classified as c by the engine's image classifier (trained on the same
/// tiny generated shapes) far more often than chance.
/// </summary>
/// <remarks>
/// The shapes here sit near the centre (±2 pixels): with <see cref="SyntheticShapes"/>' shapes anywhere
/// in the image a CVAE this short-trained decodes class-averaged blurs, which the classifier reads as one
/// class whatever the label, so the test would measure the blur and not the conditioning.
/// </remarks>
public class CvaeClassTests(ITestOutputHelper output)
{
    [Fact]
    public void SamplesOfClassC_AreClassifiedAsC_MoreOftenThanChance()
    {
        using var device = Device.Cpu();
        var train = CentredShapes(512, seed: 21);
        var test = CentredShapes(200, seed: 22);
        using var clf = ImageClassifier.Create(device, ClassifierTests.Tiny());
        clf.Train(train);
        double clfAccuracy = clf.Accuracy(test);
        Assert.True(clfAccuracy >= 0.9, $"the judge itself should know the shapes: test accuracy {clfAccuracy:P1}");

        var config = new VaeConfig(Conditional: true, Arch: VaeConfig.Mlp, Data: "shapes", Channels: 1, Height: 28, Width: 28,
            Classes: SyntheticShapes.Classes, Latent: 8, LearningRate: 2e-3f, Batch: 32, Seed: 3);
        using var cvae = Vae.Create(device, config);
        const int perClass = 50;
        var labels = Enumerable.Range(0, perClass * SyntheticShapes.Classes).Select(i => i % SyntheticShapes.Classes).ToArray();
        double Accuracy(ulong seed, out int[] perClassCorrect)
        {
            var samples = cvae.Sample(labels.Length, labels, seed);
            Assert.All(samples, v => Assert.True(v >= 0 && v <= 1, $"a Bernoulli mean {v} outside [0, 1]"));
            for (int i = 0; i < samples.Length; i++) samples[i] = 2 * samples[i] - 1;   // the classifier takes [−1, 1]
            using var scope = device.NoGrad();
            var predicted = clf.Predict(Tensor.FromArray(device, samples, labels.Length, 1, 28, 28));
            perClassCorrect = new int[SyntheticShapes.Classes];
            for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) perClassCorrect[labels[i]]++;
            return perClassCorrect.Sum() / (double)labels.Length;
        }
        double before = Accuracy(5, out _);

        const int steps = 200;
        using (var loader = new DataLoader(train, device, new DataLoaderOptions { BatchSize = config.Batch, Seed = 4, Scaling = PixelScaling.Binarized }))
        {
            for (int s = 0; s < steps; s++)
            {
                using var scope = device.Step();
                var batch = loader.Next();
                float loss = cvae.TrainStep(batch.Images, batch.Indices.Select(i => train.Labels[i]).ToArray());
                Assert.True(float.IsFinite(loss), $"loss is {loss} at step {s}");
            }
        }
        double after = Accuracy(6, out var correct);
        double chance = 1.0 / SyntheticShapes.Classes;
        output.WriteLine($"classifier test accuracy {clfAccuracy:P1}; CVAE samples classified as their class: {before:P1} untrained → {after:P1} after {steps} steps " +
            $"(per class {string.Join(", ", correct.Select(c => $"{c}/{perClass}"))}; chance {chance:P0})");
        // 200 samples at chance would give 25% ± 3% (one σ): 60% is more than ten σ above it.
        Assert.True(after >= 0.6, $"CVAE samples classified as their class {after:P1} of the time (chance {chance:P0})");
        Assert.True(correct.Count(c => c > perClass * chance) >= 3, $"most classes should beat chance: {string.Join(", ", correct)} of {perClass}");
    }

    /// <summary>
    /// 28×28 images of the four <see cref="SyntheticShapes"/> classes (horizontal bar, vertical bar, disc,
    /// diagonal) centred within ±2 pixels, random length and brightness, over faint noise; labels cycle.
    /// </summary>
    internal static Dataset CentredShapes(int count, int seed)
    {
        const int side = SyntheticShapes.Side;
        var random = new System.Random(seed);
        var pixels = new byte[count * side * side];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = labels[n] = n % SyntheticShapes.Classes;
            var image = pixels.AsSpan(n * side * side, side * side);
            for (int i = 0; i < image.Length; i++) image[i] = (byte)random.Next(0, 40);
            byte ink = (byte)random.Next(180, 256);
            int a = 14 + random.Next(-2, 3), b = 14 + random.Next(-2, 3), length = random.Next(14, 20);
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    bool on = label switch
                    {
                        0 => Math.Abs(y - a) <= 1 && Math.Abs(x - b) <= length / 2,
                        1 => Math.Abs(x - a) <= 1 && Math.Abs(y - b) <= length / 2,
                        2 => (x - a) * (x - a) + (y - b) * (y - b) <= 20,
                        _ => Math.Abs((x - a) - (y - b)) <= 1 && Math.Abs(x - a) <= length / 2,
                    };
                    if (on) image[y * side + x] = ink;
                }
        }
        return new Dataset(pixels, count, 1, side, side, labels, name: $"centred-shapes-{seed}");
    }
}
