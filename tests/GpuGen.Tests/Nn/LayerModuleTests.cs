using GpuGen.Nn;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Tests.Nn;

/// <summary>The layer modules: PyTorch's initial values, train/eval modes, buffers in checkpoints.</summary>
public class LayerModuleTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-layers-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private sealed class Net : Module
    {
        public Net(Device device) : base(device)
        {
            Norm = Child("norm", new GroupNorm(device, 2, 4));
            Bn = Child("bn", new BatchNorm2d(device, 4));
            Drop = Child("drop", new Dropout(device, 0.5f, 9));
        }

        public GroupNorm Norm { get; }

        public BatchNorm2d Bn { get; }

        public Dropout Drop { get; }
    }

    [Fact]
    public void NormLayersStartAsPyTorchAndBuffersAreNotParameters()
    {
        using var device = Device.Cpu();
        using var net = new Net(device);
        Assert.Equal(new[] { "norm.weight", "norm.bias", "bn.weight", "bn.bias" }, net.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "bn.running_mean", "bn.running_var" }, net.NamedBuffers().Select(b => b.Name));
        Assert.All(net.Norm.Weight!.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(net.Norm.Bias!.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.Bn.RunningMean.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.Bn.RunningVar.ToArray(), v => Assert.Equal(1f, v));
        Assert.False(net.Bn.RunningMean.RequiresGrad);
    }

    [Fact]
    public void EvalSwitchesBatchNormAndDropoutAndCheckpointKeepsRunningStatistics()
    {
        using var device = Device.Cpu();
        using var net = new Net(device);
        var x = Support.TestData.Normal(1, 3 * 4 * 5 * 5, mean: 2f);
        using (device.Step())
        {
            var xt = Tensor.FromArray(device, x, 3, 4, 5, 5);
            net.Bn.Forward(xt);
            // Training dropout zeroes some elements, and the next call draws another mask.
            var a = net.Drop.Forward(xt).ToArray();
            var b = net.Drop.Forward(xt).ToArray();
            Assert.Contains(0f, a);
            Assert.NotEqual(a, b);
        }
        var runningMean = net.Bn.RunningMean.ToArray();
        Assert.All(runningMean, v => Assert.InRange(v, 0.1f, 0.3f));   // 0.9·0 + 0.1·≈2

        net.Eval();
        Assert.False(net.Bn.Training);
        using (device.NoGrad())
        {
            var xt = Tensor.FromArray(device, x, 3, 4, 5, 5);
            net.Bn.Forward(xt);
            Assert.Equal(x, net.Drop.Forward(xt).ToArray());
        }
        Assert.Equal(runningMean, net.Bn.RunningMean.ToArray());

        string path = Path.Combine(dir, "net.safetensors");
        Checkpoint.Save(path, "test", "{}", 1, net);
        using var fresh = new Net(device);
        Checkpoint.Restore(Checkpoint.Open(path, "test"), fresh);
        Assert.Equal(runningMean, fresh.Bn.RunningMean.ToArray());
        Assert.Equal(net.Bn.RunningVar.ToArray(), fresh.Bn.RunningVar.ToArray());
    }

    [Fact]
    public void EmbeddingIsStandardNormalAndLooksUpRows()
    {
        using var device = Device.Cpu();
        using var emb = new Embedding(device, 100, 100, new Initializer(5));
        var w = emb.Weight.ToArray();
        double mean = w.Average(v => (double)v), std = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(std, 0.95, 1.05);
        using (device.Step())
        {
            var y = emb.Forward(Tensor.FromInts(device, [7, 0], 2));
            Assert.Equal(new[] { 2, 100 }, y.Shape);
            Assert.Equal(w[700..800].Concat(w[..100]), y.ToArray());
        }
    }
}
