using GpuGen.Autograd;
using GpuGen.Models.Diffusion;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Tests.Nn;

public class UNetTests
{
    [Fact]
    public void DefaultConfigurationIsTheWorkloadNetwork()
    {
        using var device = Device.Cpu();
        using var net = new UNet(device, new UNetConfig(), new Initializer(1));
        // bench/README.md d: time MLP 98,816 + conv in 320 + ResBlocks 26,848 + 74,176 + 90,560
        // + 135,808 + 48,512 + GroupNorm/conv out 353 = 475,393.
        Assert.Equal(475_393, net.ParameterCount());
    }

    [Fact]
    public void OutputShapeAndGradientsReachEveryParameter()
    {
        using var device = Device.Cpu();
        using var net = new UNet(device, new UNetConfig(Channels: [16, 32], Groups: 4, TimeEmbeddingDim: 16, TimeDim: 32, Classes: 3), new Initializer(2));
        using var scope = device.Step();
        var x = Tensor.Empty(device, [2, 1, 8, 12]);
        device.Kernels.GaussianFill(x.Length, 5, 0, 0, x.Storage);
        var t = Tensor.FromInts(device, [3, 900], 2);
        var labels = Tensor.FromInts(device, [1, 3], 2);   // 3 = "no label"
        var y = net.Forward(x, t, labels);
        Assert.Equal([2, 1, 8, 12], y.Shape);
        Ops.Mean(Ops.Square(y)).Backward();
        foreach (var (name, p) in net.NamedParameters())
        {
            var g = p.Grad!.ToArray();
            Assert.True(g.All(float.IsFinite), $"{name}: non-finite gradient");
            Assert.True(g.Any(v => v != 0), $"{name}: no gradient reached it");
        }
        Assert.Contains("labels", Assert.Throws<ArgumentException>(() => net.Forward(x, t, null)).Message);
        Assert.Contains("divisible", Assert.Throws<ArgumentException>(() => net.Forward(Tensor.Zeros(device, 2, 1, 9, 12), t, labels)).Message);
    }

    [Fact]
    public void AttentionAtTheLowestResolutionIsWiredAndTrained()
    {
        using var device = Device.Cpu();
        var config = new UNetConfig(Channels: [8, 16], Groups: 4, TimeEmbeddingDim: 8, TimeDim: 16, Attention: true);
        using var net = new UNet(device, config, new Initializer(6));
        using var plain = new UNet(device, config with { Attention = false }, new Initializer(6));
        // GroupNorm (2·16) + four 1×1 convs (16·16 + 16 each).
        Assert.Equal(plain.ParameterCount() + 32 + 4 * (256 + 16), net.ParameterCount());
        using var scope = device.Step();
        var x = Tensor.Empty(device, [2, 1, 6, 4]);
        device.Kernels.GaussianFill(x.Length, 1, 0, 0, x.Storage);
        var y = net.Forward(x, Tensor.FromInts(device, [5, 50], 2), null);
        Assert.Equal([2, 1, 6, 4], y.Shape);
        Ops.Mean(Ops.Square(y)).Backward();
        foreach (var (name, p) in net.NamedParameters().Where(p => p.Name.StartsWith("mid_attn")))
            Assert.True(p.Grad!.ToArray().Any(v => v != 0), $"{name}: no gradient");
    }

    [Fact]
    public void TrainingStepsLowerTheLossOnAFixedBatch()
    {
        using var device = Device.Cpu();
        using var net = new UNet(device, new UNetConfig(Channels: [16, 32], Groups: 4), new Initializer(3));
        using var adam = new Adam(net.Parameters(), lr: 2e-3f);
        using var trainer = new DiffusionTrainer(new UNetDenoiser(net), NoiseSchedule.Linear(), adam, seed: 4);
        // A fixed batch of smooth images; the same step index (same t and ε) each time, so the loss
        // of that one objective must fall as the network fits it.
        using var x0 = Tensor.FromArray(device, Enumerable.Range(0, 4 * 16 * 16).Select(i => MathF.Sin(i * 0.37f)).ToArray(), 4, 1, 16, 16);
        float Loss()
        {
            using var scope = device.NoGrad();
            return trainer.Loss(x0, step: 0).Item();
        }
        float before = Loss();
        for (int i = 0; i < 15; i++)
        {
            using var scope = device.Step();
            var loss = trainer.Loss(x0, step: 0);
            adam.ZeroGrad();
            loss.Backward();
            adam.Step();
        }
        float after = Loss();
        Assert.True(after < 0.8f * before, $"loss {before:F4} → {after:F4}");
    }
}
