using GpuGen.Data;
using GpuGen.Metrics;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;

namespace GpuGen.Tests.Models;

public class ToyDiffusionTests
{
    [Fact]
    public void NetworkHasTheWorkloadsParameterCount()
    {
        using var device = Device.Cpu();
        using var run = ToyDiffusion.Create(device, new ToyDiffusionConfig());
        // bench/README.md, ddpm_2d_step: 34·128+128 + 2·(128·128+128) + 128·2+2 = 37,762.
        Assert.Equal(37_762, run.Model.ParameterCount());
    }

    [Fact]
    public void LossFallsAndSamplesMatchTheData()
    {
        using var device = Device.Cpu();
        var config = new ToyDiffusionConfig(Data: "8gaussians", Batch: 256, LearningRate: 3e-3f, Seed: 11, EmaDecay: 0.99f);
        using var run = ToyDiffusion.Create(device, config);
        var losses = new List<float>();
        for (int i = 0; i < 2500; i++) losses.Add(run.TrainStep());
        double early = losses.Take(20).Average(), late = losses.TakeLast(200).Average();
        // ε-prediction starts near E‖ε‖²/d = 1 (outputs ≈ 0); a trained model explains much of ε.
        Assert.True(early > 0.6, $"initial loss {early:F3} should be near 1");
        Assert.True(late < 0.7 * early, $"loss fell only from {early:F3} to {late:F3}");

        const int n = 600;
        var samples = run.Sample(n, seed: 5);
        var data = run.DataSample(n, seed: 6);
        var otherData = ToyData.Sample("8gaussians", n, seed: 77);
        var noise = GaussianPoints(n, seed: 8);
        double trained = Mmd.Squared(samples, data, 2);
        double floor = Mmd.Squared(otherData, data, 2);
        double untrained = Mmd.Squared(noise, data, 2);
        // The bound: N(0, I) (what an untrained sampler's x_T looks like) sits at MMD² ≈ 0.3 from the
        // data; two independent data sets of 600 points sit within sampling noise of 0 (|MMD²| ≲ 0.005).
        // A model that learned the 8 modes must land far closer to the floor than to the noise: we
        // require less than a tenth of the noise distance, which an unlearned or collapsed model
        // (one mode, or the wrong radius) cannot meet.
        Assert.True(Math.Abs(floor) < 0.01, $"noise floor {floor:F4}");
        Assert.True(untrained > 0.1, $"baseline {untrained:F4}");
        Assert.True(trained < 0.1 * untrained, $"MMD² of samples {trained:F4} vs untrained {untrained:F4} (floor {floor:F4})");
        // Each of the 8 modes gets samples: the nearest centre of every sample, counted.
        var counts = new int[8];
        for (int i = 0; i < n; i++)
        {
            double angle = Math.Atan2(samples[2 * i + 1], samples[2 * i]);
            counts[((int)Math.Round(angle / (2 * Math.PI / 8)) + 8) % 8]++;
        }
        Assert.True(counts.All(c => c > n / 8 / 3), $"mode counts {string.Join(",", counts)}");
    }

    [Fact]
    public void SameSeedSameSamplesAndDdimRuns()
    {
        using var device = Device.Cpu();
        using var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Batch: 64, Seed: 2));
        for (int i = 0; i < 5; i++) run.TrainStep();
        var ddim = new DdimScheduler(run.Schedule, 20);
        var a = run.Sample(50, seed: 9, scheduler: ddim);
        var b = run.Sample(50, seed: 9, scheduler: ddim);
        var c = run.Sample(50, seed: 10, scheduler: ddim);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void TrainingIsReproducible()
    {
        float[] Train()
        {
            using var device = Device.Cpu();
            using var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Batch: 128, Seed: 4));
            return Enumerable.Range(0, 10).Select(_ => run.TrainStep()).ToArray();
        }
        Assert.Equal(Train(), Train());
    }

    private static float[] GaussianPoints(int n, ulong seed)
    {
        var xy = new float[2 * n];
        for (int i = 0; i < 2 * n; i += 4)
        {
            var (a, b, c, d) = GpuGen.Random.Philox.Gaussian4(seed, 0, (ulong)i / 4);
            var four = new[] { a, b, c, d };
            for (int j = 0; j < 4 && i + j < xy.Length; j++) xy[i + j] = four[j];
        }
        return xy;
    }
}
