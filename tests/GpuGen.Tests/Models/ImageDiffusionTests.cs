using GpuGen.Data;
using GpuGen.Models;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;

namespace GpuGen.Tests.Models;

/// <summary>The image diffusion model on tiny generated data: training, guidance, checkpoints, step-by-step sampling, metrics.</summary>
public class ImageDiffusionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-imgdiff-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>8×8 images of two classes: class 0 a bright horizontal bar, class 1 a vertical one, at random places.</summary>
    internal static Dataset Bars(int count, int seed)
    {
        var rng = new System.Random(seed);
        var pixels = new byte[count * 64];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            int at = rng.Next(1, 7);
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 8; x++)
                {
                    bool on = labels[i] == 0 ? y == at || y == at + 1 : x == at || x == at + 1;
                    pixels[i * 64 + y * 8 + x] = on ? (byte)255 : (byte)rng.Next(0, 30);
                }
        }
        return new Dataset(pixels, count, 1, 8, 8, labels, ["horizontal", "vertical"], "bars");
    }

    internal static ImageDiffusionConfig Tiny(PredictionType prediction = PredictionType.Epsilon, int classes = 2) => new()
    {
        Data = "bars",
        Height = 8,
        Width = 8,
        Channels = [8, 16],
        TimeDim = 32,
        Groups = 4,
        Classes = classes,
        Timesteps = 100,
        Prediction = prediction,
        LearningRate = 3e-3f,
        Batch = 16,
        Seed = 3,
        EmaDecay = 0.99f,
    };

    [Theory]
    [InlineData(PredictionType.Epsilon)]
    [InlineData(PredictionType.V)]
    public void ConditionalTrainingLowersTheLoss(PredictionType prediction)
    {
        using var device = Device.Cpu();
        var data = Bars(64, 1);
        using var run = ImageDiffusion.Create(device, Tiny(prediction));
        using var loader = new DataLoader(data, device, new DataLoaderOptions { BatchSize = 16, Seed = 1, Prefetch = false });
        // A fixed probe: the same images, noise, timesteps and label drops before and after training.
        var probeImages = Scale(data, 0, 16);
        var probeLabels = data.Labels[..16].ToArray();
        float Probe()
        {
            using var scope = device.NoGrad();
            using var x = Tensor.FromArray(device, probeImages, 16, 1, 8, 8);
            return run.Trainer.Loss(x, step: 1_000_000, probeLabels).Item();
        }
        float before = Probe();
        for (int i = 0; i < 60; i++)
        {
            using var scope = device.Step();
            var batch = loader.Next();
            run.TrainStep(batch.Images, batch.Indices.Select(k => data.Labels[k]).ToArray());
        }
        float after = Probe();
        Assert.True(float.IsFinite(before) && before > 0.3f, $"initial probe loss {before}");
        Assert.True(after < 0.75f * before, $"{prediction}: probe loss fell only from {before:F4} to {after:F4}");
    }

    [Fact]
    public void GuidanceZeroIsTheUnconditionalModelAndOtherScalesDiffer()
    {
        using var device = Device.Cpu();
        using var run = ImageDiffusion.Create(device, Tiny());
        var data = Bars(16, 2);
        for (int i = 0; i < 3; i++)
        {
            using var x = Tensor.FromArray(device, Scale(data, 0, 16), 16, 1, 8, 8);
            run.TrainStep(x, data.Labels.ToArray());
        }
        var ddpm = run.Scheduler("ddpm", steps: 8);
        int[] ones = [1, 1, 1, 1];
        int[] none = [2, 2, 2, 2];
        var unconditional = run.Sample(4, seed: 9, ddpm, none, guidance: 1f);
        var guidedZero = run.Sample(4, seed: 9, ddpm, ones, guidance: 0f);
        var conditional = run.Sample(4, seed: 9, ddpm, ones, guidance: 1f);
        var guidedThree = run.Sample(4, seed: 9, ddpm, ones, guidance: 3f);
        Assert.Equal(unconditional, guidedZero);
        Assert.NotEqual(unconditional, conditional);
        Assert.NotEqual(conditional, guidedThree);
        Assert.All(guidedThree, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void StepByStepSamplingEqualsOneCallAndTheObserverSeesEveryStep()
    {
        using var device = Device.Cpu();
        using var run = ImageDiffusion.Create(device, Tiny());
        var ddim = run.Scheduler("ddim", steps: 6, eta: 0.5f);
        var whole = run.Sample(3, seed: 4, ddim, guidance: 2f);
        using var session = run.StartSampling(3, seed: 4, ddim, guidance: 2f);
        var seen = new List<int>();
        while (session.Step((i, t, xPrev, x0) => seen.Add(t))) Assert.True(session.Index <= session.StepCount);
        Assert.True(session.Done);
        Assert.Equal(ddim.Timesteps, seen);
        Assert.Equal(whole, session.X.ToArray());
    }

    [Fact]
    public void ResumingFromACheckpointIsBitExact()
    {
        var data = Bars(48, 3);
        float[] Train(int steps, string? saveAt, int resumeAfter)
        {
            using var device = Device.Cpu();
            var run = ImageDiffusion.Create(device, Tiny(PredictionType.V));
            try
            {
                while (run.Step < steps)
                {
                    if (saveAt is not null && run.Step == resumeAfter)
                    {
                        run.Save(saveAt);
                        run.Dispose();
                        run = ImageDiffusion.Load(device, saveAt);
                    }
                    using var loader = new DataLoader(data, device, new DataLoaderOptions { BatchSize = 16, Seed = 5, StartBatch = run.Step, Prefetch = false });
                    using var scope = device.Step();
                    var batch = loader.Next();
                    run.TrainStep(batch.Images, batch.Indices.Select(k => data.Labels[k]).ToArray());
                }
                return run.Net.Parameters().Concat(run.Ema!.Shadow).Concat(run.Optimizer.SecondMoments).SelectMany(p => p.ToArray()).ToArray();
            }
            finally
            {
                run.Dispose();
            }
        }
        var straight = Train(6, null, -1);
        var resumed = Train(6, Path.Combine(dir, "mid.safetensors"), 4);
        Assert.Equal(straight, resumed);
    }

    [Fact]
    public void MetricsAreFiniteAndTheDecoderIsADistribution()
    {
        using var device = Device.Cpu();
        using var run = ImageDiffusion.Create(device, Tiny());
        var data = Bars(8, 4);
        var images = Scale(data, 0, 8);
        double mse = DiffusionMetrics.EpsMse(run, images, 8, seed: 1);
        // An untrained UNet predicts about 0, so the ε error is about E ε² = 1.
        Assert.InRange(mse, 0.5, 2.0);
        double bpd = DiffusionMetrics.BitsPerDim(run, images, 8, seed: 1, timesteps: 10);
        Assert.True(double.IsFinite(bpd) && bpd > 0, $"bits/dim {bpd}");
        // The discretized decoder's 256 bin probabilities sum to 1 for any mean and scale.
        foreach (var (mean, logStd) in new[] { (0.1, Math.Log(0.05)), (-0.97, Math.Log(0.3)), (0.5, Math.Log(0.004)) })
        {
            double total = Enumerable.Range(0, 256).Sum(v => Math.Exp(DiffusionMetrics.DiscretizedGaussianLogLikelihood((v - 127.5) / 127.5, mean, logStd)));
            Assert.True(Math.Abs(total - 1) < 1e-5, $"decoder mass {total} at mean {mean}");
        }
        Assert.Equal(0.5, DiffusionMetrics.NormalCdf(0), 7);
        Assert.Equal(0.975002104851780, DiffusionMetrics.NormalCdf(1.96), 6);
        Assert.Equal(0.5 * (-1 + Math.Log(4) + 0.25 + 1.0 / 4), DiffusionMetrics.GaussianKl(1, 0, 0, Math.Log(4)), 12);
    }

    [Fact]
    public void BadConfigsAndInputsAreRejected()
    {
        using var device = Device.Cpu();
        Assert.Contains("divisible by 4", Assert.Throws<ArgumentException>(() => ImageDiffusion.Create(device, Tiny() with { Channels = [8, 8, 8], Height = 6, Width = 6 })).Message);
        using var run = ImageDiffusion.Create(device, Tiny());
        using var x = Tensor.Zeros(device, 2, 1, 8, 8);
        Assert.Contains("one label per image", Assert.Throws<ArgumentException>(() => run.TrainStep(x)).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentOutOfRangeException>(() => run.StartSampling(2, 1, labels: [0, 3])).Message);
        var json = ConfigJson.Write(run.Config);
        Assert.Equal(json, ConfigJson.Write(ConfigJson.Read<ImageDiffusionConfig>(json, "test")));
    }

    internal static float[] Scale(Dataset data, int start, int count)
    {
        var result = new float[count * data.ExampleSize];
        var pixels = data.Pixels.Slice(start * data.ExampleSize, count * data.ExampleSize);
        for (int i = 0; i < result.Length; i++) result[i] = (pixels[i] - 127.5f) / 127.5f;
        return result;
    }
}
