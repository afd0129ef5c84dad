using GpuGen.Autograd;
using GpuGen.Tensors;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Models;

/// <summary>
/// <see cref="GraphedStep"/>: a training step whose scalars change every step (the Philox offset of
/// its batch, Adam's bias corrections) run eagerly and as an updated CUDA graph must give the same
/// parameters bit for bit — the same kernels in the same order. Off CUDA it is plain eager.
/// </summary>
public class GraphedStepTests
{
    [Theory]
    [DeviceData("cpu")]
    [DeviceData("cuda:0")]
    public void GraphedTrainingStepsMatchEagerOnesBitForBit(string device)
    {
        float[] eager = Train(device, graphed: false, steps: 6, out _);
        float[] graphed = Train(device, graphed: true, steps: 6, out int updated);
        Assert.DoesNotContain(eager, float.IsNaN);
        Assert.Equal(eager.Select(BitConverter.SingleToInt32Bits), graphed.Select(BitConverter.SingleToInt32Bits));
        if (device.StartsWith("cuda", StringComparison.Ordinal)) Assert.True(updated > 0, "a replay must update the nodes whose scalars changed");
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("cuda:0")]
    public void ToyDdpmWithGraphsGivesTheEagerLosses(string device)
    {
        float[] Losses(bool graphed)
        {
            var dev = new Device(TestBackends.Get(device));
            using var run = GpuGen.Models.Diffusion.ToyDiffusion.Create(dev,
                new GpuGen.Models.Diffusion.ToyDiffusionConfig(Data: "moons", Batch: 128, Seed: 3, EmaDecay: 0.99f));
            using var graphs = graphed ? new GraphedStep(dev) : null;
            run.Graphs = graphs;
            var losses = Enumerable.Range(0, 8).Select(_ => run.TrainStep()).ToArray();
            dev.Pool.Trim();
            return losses;
        }

        float[] eager = Losses(false), graphed = Losses(true);
        Assert.All(eager, l => Assert.True(float.IsFinite(l)));
        Assert.Equal(eager.Select(BitConverter.SingleToInt32Bits), graphed.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void OffCudaEveryRunIsEager()
    {
        using var device = Device.Cpu();
        using var step = new GraphedStep(device, warmup: 1);
        int calls = 0;
        for (int i = 0; i < 4; i++) step.Run(() => calls++);
        Assert.Equal(4, calls);
        Assert.False(step.IsGraphed);
    }

    /// <summary>A 2-layer MLP fitted to a fixed target with Adam; every step draws a fresh batch from Philox offset = step.</summary>
    private static float[] Train(string name, bool graphed, int steps, out int updated)
    {
        var device = new Device(TestBackends.Get(name)); // the backend is shared: only the pool is ours
        var init = new Initializer(17);
        var l1 = new Linear(device, 8, 32, init);
        var l2 = new Linear(device, 32, 4, init);
        var adam = new Adam([.. l1.Parameters(), .. l2.Parameters()], lr: 1e-2f);
        var x = Tensor.Empty(device, [64, 8]);
        var target = Tensor.Empty(device, [64, 4]);
        device.Kernels.GaussianFill(target.Length, 5, 0, 0, target.Storage);
        ulong offset = 0;
        void Step()
        {
            using var scope = device.Step();
            device.Kernels.GaussianFill(x.Length, 9, 1, offset, x.Storage);
            offset += (ulong)x.Length;
            var loss = Ops.MseLoss(l2.Forward(Ops.Silu(l1.Forward(x))), target);
            adam.ZeroGrad();
            loss.Backward();
            adam.Step();
        }

        using var runner = new GraphedStep(device, warmup: 2);
        updated = 0;
        for (int s = 0; s < steps; s++)
        {
            if (graphed) runner.Run(Step);
            else Step();
            updated = Math.Max(updated, runner.LastUpdated);
        }
        device.Synchronize();
        float[] result = [.. l1.Weight.ToArray(), .. l2.Weight.ToArray(), .. l2.Bias!.ToArray()];
        foreach (var d in new IDisposable[] { adam, l1, l2, x, target }) d.Dispose();
        device.Pool.Trim();
        return result;
    }
}
