using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Tests.Optim;

public class OptimizerTests
{
    /// <summary>A module holding one free parameter vector, for optimizer tests.</summary>
    private sealed class Vector : Module
    {
        public Vector(Device device, float[] values) : base(device) => W = Parameter("w", Tensor.FromArray(device, values, values.Length));

        public Tensor W { get; }
    }

    [Fact]
    public void AdamMatchesTorchsFormulaOverSeveralSteps()
    {
        using var device = Device.Cpu();
        var rng = new System.Random(4);
        var start = Enumerable.Range(0, 9).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var target = Enumerable.Range(0, 9).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        using var v = new Vector(device, start);
        using var t = Tensor.FromArray(device, target, 9);
        using var adam = new Adam(v.Parameters(), lr: 0.05f, weightDecay: 0.01f);
        // Reference: torch.optim.Adam (coupled L2 decay), in float64, on L = mean (w − t)².
        var w = start.Select(x => (double)x).ToArray();
        var m = new double[9];
        var s = new double[9];
        for (int step = 1; step <= 25; step++)
        {
            using (device.Step())
            {
                adam.ZeroGrad();
                Ops.MseLoss(v.W, t).Backward();
                adam.Step();
            }
            for (int i = 0; i < 9; i++)
            {
                double g = 2 * (w[i] - target[i]) / 9 + 0.01 * w[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                s[i] = 0.999 * s[i] + 0.001 * g * g;
                double mh = m[i] / (1 - Math.Pow(0.9, step)), sh = s[i] / (1 - Math.Pow(0.999, step));
                w[i] -= 0.05 * mh / (Math.Sqrt(sh) + 1e-8);
            }
        }
        var got = v.W.ToArray();
        for (int i = 0; i < 9; i++) Assert.True(Math.Abs(got[i] - w[i]) < 1e-4, $"w[{i}] = {got[i]}, reference {w[i]}");
        Assert.Equal(25, adam.StepCount);
    }

    [Fact]
    public void BiasCorrectionCountsTheMomentsAgeNotTheModelsStep()
    {
        using var device = Device.Cpu();
        var rng = new System.Random(11);
        var start = Enumerable.Range(0, 7).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        using var t = Tensor.FromArray(device, new float[7], 7);
        float[] AfterThreeSteps(long stepCount, long momentSteps)
        {
            using var v = new Vector(device, start);
            using var adam = new Adam(v.Parameters(), lr: 0.05f) { StepCount = stepCount, MomentSteps = momentSteps };
            for (int i = 0; i < 3; i++)
            {
                using var scope = device.Step();
                adam.ZeroGrad();
                Ops.MseLoss(v.W, t).Backward();
                adam.Step();
            }
            Assert.Equal((stepCount + 3, momentSteps + 3), (adam.StepCount, adam.MomentSteps));
            return v.W.ToArray();
        }
        var fresh = AfterThreeSteps(0, 0);
        Assert.Equal(fresh, AfterThreeSteps(5000, 0));   // zero moments at step 5,000 move as they do at step 0
        var counted = AfterThreeSteps(5000, 5000);          // positive control: bias correction from the model's step
        Assert.True(Enumerable.Range(0, 7).Max(i => Math.Abs(counted[i] - fresh[i])) > 0.05, "corrected by the step count, the first updates are several times larger");
    }

    [Fact]
    public void AdamWDecaysWeightsWithoutGradient()
    {
        using var device = Device.Cpu();
        using var v = new Vector(device, [1f, -2f]);
        using var adamw = new AdamW(v.Parameters(), lr: 0.1f, weightDecay: 0.5f);
        adamw.ZeroGrad();
        adamw.Step();
        // Zero gradient: the Adam update is 0 and decoupled decay gives w·(1 − lr·wd) = 0.95·w.
        Assert.Equal([0.95f, -1.9f], v.W.ToArray());
    }

    [Fact]
    public void EmaFollowsItsRecurrenceAndSwapsBack()
    {
        using var device = Device.Cpu();
        using var v = new Vector(device, [1f, 2f]);
        using var ema = new Ema(v.Parameters(), decay: 0.9f);
        v.W.CopyFrom([3f, -2f]);
        ema.Update();
        // shadow = 0.9·[1, 2] + 0.1·[3, −2]
        var shadow = ema.Shadow[0].ToArray();
        Assert.Equal(1.2f, shadow[0], 5);
        Assert.Equal(1.6f, shadow[1], 5);
        ema.Swap();
        Assert.Equal(shadow, v.W.ToArray());
        ema.Swap();
        Assert.Equal([3f, -2f], v.W.ToArray());
    }

    [Fact]
    public void EmaWarmupFollowsTheNumUpdatesRule()
    {
        using var device = Device.Cpu();
        using var v = new Vector(device, [0f]);
        using var ema = new Ema(v.Parameters(), decay: 0.99f, warmup: true);
        // d_n = min(0.99, (1 + n)/(10 + n)): 0.1, 2/11, 3/12, …; reference in float64.
        double shadow = 0;
        for (int n = 0; n < 30; n++)
        {
            float value = n + 1;
            v.W.CopyFrom([value]);
            ema.Update();
            double d = Math.Min(0.99, (1.0 + n) / (10.0 + n));
            shadow = d * shadow + (1 - d) * value;
        }
        Assert.Equal(30, ema.Updates);
        Assert.Equal(shadow, ema.Shadow[0].ToArray()[0], 3);
    }

    [Fact]
    public void SequentialNamesParametersLikePyTorch()
    {
        using var device = Device.Cpu();
        var init = new Initializer(1);
        using var net = new Sequential(device, new Linear(device, 3, 4, init), new Activation(device, Backends.UnaryOp.Silu), new Linear(device, 4, 2, init, bias: false));
        Assert.Equal(["0.weight", "0.bias", "2.weight"], net.NamedParameters().Select(p => p.Name));
        Assert.Equal(3 * 4 + 4 + 4 * 2, net.ParameterCount());
        // PyTorch's default init: U(±1/√fan_in); and the same seed gives the same weights.
        var w = net.NamedParameters().First().Tensor.ToArray();
        Assert.All(w, x => Assert.InRange(x, -1 / MathF.Sqrt(3), 1 / MathF.Sqrt(3)));
        using var again = new Linear(device, 3, 4, new Initializer(1));
        Assert.Equal(w, again.Weight.ToArray());
    }

    [Fact]
    public void SinusoidalEmbeddingLayerMatchesFormula()
    {
        using var device = Device.Cpu();
        using var layer = new SinusoidalEmbedding(device, 8);
        using var scope = device.NoGrad();
        var y = layer.Forward(Tensor.FromInts(device, [0, 7, 999], 3)).ToArray();
        for (int b = 0; b < 3; b++)
        {
            int t = new[] { 0, 7, 999 }[b];
            for (int i = 0; i < 4; i++)
            {
                double f = Math.Exp(-Math.Log(10000) * i / 3);
                Assert.Equal(Math.Sin(t * f), y[b * 8 + i], 4);
                Assert.Equal(Math.Cos(t * f), y[b * 8 + 4 + i], 4);
            }
        }
    }
}
