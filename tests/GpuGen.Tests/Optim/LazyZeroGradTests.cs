using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Optim;

/// <summary>Adam.ZeroGrad zeroes lazily: the next backward must see zeros whether it writes, adds, or never runs.</summary>
public class LazyZeroGradTests
{
    private sealed class TwoLinears : Module
    {
        public TwoLinears(Device device) : base(device)
        {
            A = Child("a", new Linear(device, 5, 4, new Initializer(1)));
            B = Child("b", new Linear(device, 5, 4, new Initializer(2)));
        }

        public Linear A { get; }

        public Linear B { get; }
    }

    [Fact]
    public void GradientsAfterZeroGrad_AreThisStepsAlone()
    {
        using var device = Device.Cpu();
        using var net = new TwoLinears(device);
        using var adam = new Adam(net.Parameters(), lr: 0f);
        var x = TestData.Normal(3, 6 * 5);
        float[] Step(bool useB, bool twice)
        {
            adam.ZeroGrad();
            using var scope = device.Step();
            var input = Tensor.FromArray(device, x, 6, 5);
            var y = Ops.Sum(Ops.Square(net.A.Forward(input)));
            if (twice) y = Ops.Add(y, Ops.Sum(net.A.Forward(input)));   // the weight used twice: write, then add
            if (useB) y = Ops.Add(y, Ops.Sum(net.B.Forward(input)));
            y.Backward();
            return [.. net.A.Weight.Grad!.ToArray(), .. net.A.Bias!.Grad!.ToArray(), .. net.B.Weight.Grad!.ToArray()];
        }
        var once = Step(useB: true, twice: false);
        Assert.Equal(once, Step(useB: true, twice: false));   // not added to the previous step's gradient
        var skipped = Step(useB: false, twice: false);
        Assert.Equal(once[..(20 + 4)], skipped[..(20 + 4)]);
        Assert.All(skipped[(20 + 4)..], g => Assert.Equal(0f, g));   // B took no part: its gradient reads as zero
        var twice = Step(useB: false, twice: true);
        // d/dW of Σ(xWᵀ + b) adds Σₙ x to every row of W's gradient and n to the bias's.
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 5; i++)
            {
                double sum = Enumerable.Range(0, 6).Sum(n => (double)x[n * 5 + i]);
                Assert.True(Math.Abs(twice[o * 5 + i] - (once[o * 5 + i] + sum)) < 1e-4, $"dW[{o},{i}] = {twice[o * 5 + i]}, expected {once[o * 5 + i] + sum}");
            }
        for (int o = 0; o < 4; o++) Assert.True(Math.Abs(twice[20 + o] - (once[20 + o] + 6)) < 1e-4, $"db[{o}] = {twice[20 + o]}");
    }
}
