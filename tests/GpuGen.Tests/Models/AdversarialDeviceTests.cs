using GpuGen.Backends;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Tensors;
using GpuGen.Tests.Support;
using Xunit.Abstractions;

namespace GpuGen.Tests.Models;

/// <summary>
/// PixelCNN and DCGAN/cGAN steps on a device against the same steps on the CPU: same seeds, so the same
/// initial weights and noise (Philox); only float32 rounding may differ (summation order, last-ulp math).
/// </summary>
public sealed class AdversarialDeviceTests(ITestOutputHelper output)
{
    [Theory]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void PixelCnnSteps_MatchTheCpu(string device)
    {
        var (pixels, labels) = PixelCnnTests.Bars(8, 8, 3);
        var config = new PixelCnnConfig { Data = "test", Height = 8, Width = 8, Channels = 8, ResidualLayers = 2, Classes = 2, Batch = 8, Seed = 4 };
        float[] Losses(string name)
        {
            using var dev = TestBackends.OpenDevice(name);
            using var run = PixelCnn.Create(dev, config);
            var losses = new float[4];
            for (int s = 0; s < 3; s++) losses[s] = run.TrainStep(pixels, 8, labels);
            losses[3] = (float)run.BitsPerDim(pixels, 8, labels);
            return losses;
        }
        var cpu = Losses("cpu");
        var dev = Losses(device);
        output.WriteLine($"cpu {string.Join(", ", cpu)}; {device} {string.Join(", ", dev)}");
        for (int i = 0; i < cpu.Length; i++)
            Assert.True(Math.Abs(cpu[i] - dev[i]) <= 1e-4 * Math.Abs(cpu[i]) + 1e-5, $"value {i}: cpu {cpu[i]}, {device} {dev[i]}");
    }

    [Theory]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void DcganAndCganSteps_MatchTheCpu(string device)
    {
        var rng = new System.Random(2);
        var images = Enumerable.Range(0, 8 * 64).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        var config = new GanConfig { Data = "test", Height = 8, Width = 8, Latent = 16, Batch = 8, Seed = 6, Classes = 3, SpectralNorm = true, RealTarget = 0.9f };
        (GanStepResult[] Steps, float[] Samples) Run(string name)
        {
            using var dev = TestBackends.OpenDevice(name);
            using var run = Gan.Create(dev, config);
            var steps = new GanStepResult[3];
            for (int s = 0; s < steps.Length; s++)
            {
                using var scope = dev.Step();
                steps[s] = run.TrainStep(Tensor.FromArray(dev, images, 8, 1, 8, 8), Tensor.FromInts(dev, labels, 8));
            }
            return (steps, run.Sample(4, 1));
        }
        var (cpu, cpuSamples) = Run("cpu");
        var (dev, devSamples) = Run(device);
        for (int s = 0; s < cpu.Length; s++)
        {
            output.WriteLine($"step {s}: cpu {cpu[s]}; {device} {dev[s]}");
            float[] a = [cpu[s].LossD, cpu[s].LossG, cpu[s].DReal, cpu[s].DFake], b = [dev[s].LossD, dev[s].LossG, dev[s].DReal, dev[s].DFake];
            for (int i = 0; i < a.Length; i++)
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-3 * Math.Abs(a[i]) + 1e-4, $"step {s}, value {i}: cpu {a[i]}, {device} {b[i]}");
        }
        double worst = cpuSamples.Zip(devSamples, (x, y) => Math.Abs(x - y)).Max();
        output.WriteLine($"samples max |diff| {worst:g3}");
        Assert.True(worst < 1e-3, $"samples differ by up to {worst}");
    }
}
