using GpuGen.Autograd;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;

namespace GpuGen.Tests.Engine;

public class TensorAndScopeTests
{
    [Fact]
    public void WarmTrainingStepTakesNothingFromTheDriver()
    {
        using var device = Device.Cpu();
        using var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Batch: 64));
        long cold = device.Pool.DriverAllocations;
        run.TrainStep();
        // The positive control: the first step does take its intermediates from the driver, so the
        // counter can see a step that allocates.
        Assert.True(device.Pool.DriverAllocations > cold, $"the first step made no driver allocation ({cold} before and after)");
        for (int i = 0; i < 2; i++) run.TrainStep();
        long before = device.Pool.DriverAllocations;
        for (int i = 0; i < 20; i++) run.TrainStep();
        Assert.Equal(before, device.Pool.DriverAllocations);
    }

    [Fact]
    public void ScopeReleasesIntermediatesButNotLongLivedTensors()
    {
        using var device = Device.Cpu();
        using var kept = Tensor.FromArray(device, [1f, 2f, 3f], 3);
        Tensor inner;
        Tensor survivor;
        using (var scope = device.Step())
        {
            inner = Ops.Square(kept);
            survivor = scope.Keep(Ops.Neg(kept));
            Assert.Equal(1, scope.Count);
        }
        Assert.True(inner.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.Equal([-1f, -2f, -3f], survivor.ToArray());
        survivor.Dispose();
        Assert.True(survivor.IsDisposed);
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        using var device = Device.Cpu();
        using var x = Tensor.FromArray(device, [1f, -2f], 2);
        x.RequiresGrad = true;
        using var scope = device.NoGrad();
        var y = Ops.Silu(x);
        Assert.False(y.RequiresGrad);
        Assert.Equal(0, scope.Tape.Count);
    }

    [Fact]
    public void BackwardAccumulatesIntoParametersAcrossSteps()
    {
        using var device = Device.Cpu();
        using var w = Tensor.FromArray(device, [0.5f, -1f, 2f], 3);
        w.RequiresGrad = true;
        for (int step = 0; step < 2; step++)
        {
            using var scope = device.Step();
            Ops.Sum(Ops.Square(w)).Backward();
        }
        // d/dw Σw² = 2w, twice.
        Assert.Equal([2f, -4f, 8f], w.Grad!.ToArray());
    }

    [Fact]
    public void MisuseGivesClearErrors()
    {
        using var device = Device.Cpu();
        using var x = Tensor.Zeros(device, 4, 3);
        using var w = Tensor.Zeros(device, 5, 2);
        var e = Assert.Throws<ArgumentException>(() => Ops.Linear(x, w));
        Assert.Contains("[4,3]", e.Message);
        Assert.Contains("[5,2]", e.Message);
        Assert.Contains("cannot reshape", Assert.Throws<ArgumentException>(() => x.Reshape(5, -1)).Message);
        Assert.Contains("broadcast", Assert.Throws<ArgumentException>(() => Ops.Add(x, Tensor.Zeros(device, 2))).Message);
        using var scope = device.Step();
        Assert.Contains("scalar", Assert.Throws<InvalidOperationException>(() => Ops.Square(x).Backward()).Message);
        Assert.Contains("Int32", Assert.Throws<InvalidOperationException>(() => Tensor.FromArray(device, [1f], 1).ToIntArray()).Message);
    }

    [Fact]
    public void HostRoundTripIsExact()
    {
        using var device = Device.Cpu();
        var rng = new System.Random(12);
        var data = Enumerable.Range(0, 1031).Select(_ => (float)rng.NextDouble()).ToArray();
        using var t = Tensor.FromArray(device, data, 1031);
        Assert.Equal(data, t.ToArray());
        var ints = Enumerable.Range(0, 77).Select(_ => rng.Next()).ToArray();
        using var ti = Tensor.FromInts(device, ints, 7, 11);
        Assert.Equal(ints, ti.ToIntArray());
    }
}
