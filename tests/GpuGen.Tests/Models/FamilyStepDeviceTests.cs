using GpuGen.Backends;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Models.Vae;
using GpuGen.Tensors;
using GpuGen.Tests.Support;
using Xunit.Abstractions;

namespace GpuGen.Tests.Models;

/// <summary>
/// The training steps of the image families on a device against the same steps on the CPU: the UNet
/// DDPM, the VAE (MLP and convolutional) and RealNVP (MLP and multi-scale conv). Same seeds, so the same
/// initial weights, batches and noise (Philox, bit-identical); only float32 rounding may differ (the
/// device sums in another order and its exp/log may differ in the last ulp). The 2-D DDPM, the
/// classifier, DCGAN/cGAN and PixelCNN have their own device tests beside this one.
/// </summary>
public sealed class FamilyStepDeviceTests(ITestOutputHelper output)
{
    [Theory]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("cuda:0")]
    [DeviceData("opencl:0")]
    public void UNetDdpmSteps_MatchTheCpu(string device)
    {
        var data = ImageDiffusionTests.Bars(8, 2);
        var images = ImageDiffusionTests.Scale(data, 0, 8);
        float[] Losses(string name)
        {
            using var dev = TestBackends.OpenDevice(name);
            using var run = ImageDiffusion.Create(dev, ImageDiffusionTests.Tiny() with { Batch = 8 });
            var losses = new float[3];
            for (int s = 0; s < losses.Length; s++)
            {
                using var scope = dev.Step();
                losses[s] = run.TrainStep(Tensor.FromArray(dev, images, 8, 1, 8, 8), data.Labels.ToArray());
            }
            return losses;
        }
        Compare(device, Losses("cpu"), Losses(device), 2e-4);
    }

    [Theory]
    [DeviceData("ilgpu-cpu", VaeConfig.Mlp, VaeConfig.Bernoulli)]
    [DeviceData("ilgpu-cpu", VaeConfig.Conv, VaeConfig.Gaussian)]
    [DeviceData("cuda:0", VaeConfig.Mlp, VaeConfig.Bernoulli)]
    [DeviceData("cuda:0", VaeConfig.Conv, VaeConfig.Gaussian)]
    [DeviceData("opencl:0", VaeConfig.Mlp, VaeConfig.Bernoulli)]
    [DeviceData("opencl:0", VaeConfig.Conv, VaeConfig.Gaussian)]
    public void VaeSteps_MatchTheCpu(string device, string arch, string likelihood)
    {
        var config = new VaeConfig(true, arch, "bars", 1, 8, 8, Classes: 8, Latent: 4, Likelihood: likelihood, GaussianStd: 0.3f,
            LearningRate: 2e-3f, Batch: 8, Seed: 2);
        bool binary = likelihood == VaeConfig.Bernoulli;
        float[] Losses(string name)
        {
            using var dev = TestBackends.OpenDevice(name);
            using var vae = Vae.Create(dev, config);
            var losses = new float[3];
            for (int s = 0; s < losses.Length; s++)
            {
                var (x, labels) = VaeTests.Bars(config.Batch, 1000 + s, binary);
                using var xt = Tensor.FromArray(dev, x, config.Batch, 1, 8, 8);
                losses[s] = vae.TrainStep(xt, labels);
            }
            return losses;
        }
        Compare($"{device} {arch}", Losses("cpu"), Losses(device), 2e-4);
    }

    [Theory]
    [DeviceData("ilgpu-cpu", FlowConfig.Mlp)]
    [DeviceData("ilgpu-cpu", FlowConfig.Conv)]
    [DeviceData("cuda:0", FlowConfig.Mlp)]
    [DeviceData("cuda:0", FlowConfig.Conv)]
    [DeviceData("opencl:0", FlowConfig.Mlp)]
    [DeviceData("opencl:0", FlowConfig.Conv)]
    public void RealNvpSteps_MatchTheCpu(string device, string arch)
    {
        var train = ConvFlowTests.Blobs(32, 1);
        var config = arch == FlowConfig.Conv
            ? ConvFlowTests.Conv(1, 8, 2, actNorm: true) with { Batch = 8 }
            : new FlowConfig(FlowConfig.RealNvp, "blobs", 1, 8, 8, Layers: 4, Hidden: 32, HiddenLayers: 1, LearningRate: 1e-3f, Batch: 8, Seed: 5);
        float[] Losses(string name)
        {
            using var dev = TestBackends.OpenDevice(name);
            using var flow = Flow.Create(dev, config, train);
            return [flow.TrainStep(), flow.TrainStep(), flow.TrainStep()];
        }
        Compare($"{device} {arch}", Losses("cpu"), Losses(device), 2e-4);
    }

    private void Compare(string what, float[] cpu, float[] dev, double tolerance)
    {
        output.WriteLine($"{what}: cpu {string.Join(", ", cpu)}; device {string.Join(", ", dev)}");
        Assert.True(cpu.All(float.IsFinite), "the CPU run itself diverged");
        for (int i = 0; i < cpu.Length; i++)
            Assert.True(Math.Abs(cpu[i] - dev[i]) <= tolerance * Math.Abs(cpu[i]) + 1e-5, $"{what}, step {i}: cpu {cpu[i]}, device {dev[i]}");
    }
}
