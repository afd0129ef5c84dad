using GpuGen.Data;
using GpuGen.Models;
using GpuGen.Models.Flows;
using GpuGen.Nn;
using GpuGen.Tensors;
using Xunit.Abstractions;

namespace GpuGen.Tests.Models;

/// <summary>NICE and RealNVP: invertibility, exact log-determinants, and a density fit that reaches the optimum.</summary>
public class FlowTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Kinds() =>
    [
        [FlowConfig.RealNvp, "checkerboard", false],
        [FlowConfig.RealNvp, "channel", true],
        [FlowConfig.Nice, "checkerboard", false],
        [FlowConfig.Nice, "channel", true],
    ];

    private static FlowConfig Small(string kind, string mask, bool actNorm) =>
        new(kind, "fashion-mnist", Channels: 1, Height: 2, Width: 3, Layers: 4, Hidden: 8, HiddenLayers: 2, Mask: mask, ActNorm: actNorm, Batch: 4, Seed: 3);

    /// <summary>Random weights: the initial ones are too tame to exercise the couplings (NICE's scaling starts at 0).</summary>
    private static void Perturb(FlowNetwork net, int seed, float amplitude = 0.6f)
    {
        var rng = new System.Random(seed);
        foreach (var p in net.Parameters())
        {
            var v = p.ToArray();
            for (int i = 0; i < v.Length; i++) v[i] += (float)(rng.NextDouble() - 0.5) * amplitude;
            p.CopyFrom(v);
        }
        net.MarkInitialized();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RoundTrip_XToZToX(string kind, string mask, bool actNorm)
    {
        using var device = Device.Cpu();
        using var net = new FlowNetwork(device, Small(kind, mask, actNorm) with { Height = 28, Width = 28, Hidden = 32 }, new Initializer(1));
        Perturb(net, 2, 0.02f);   // on 784 inputs a larger change gives |t| in the hundreds, beyond float32's 1e-4
        var rng = new System.Random(4);
        var x = Enumerable.Range(0, 16 * 784).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        using var scope = device.NoGrad();
        var (z, _) = net.Forward(Tensor.FromArray(device, x, 16, 784));
        var back = net.Inverse(z).ToArray();
        double worst = x.Zip(back).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"max |x − f⁻¹(f(x))| = {worst:E2}");
        Assert.True(worst <= 1e-4, $"round trip off by {worst:E2}");
        Assert.True(z.ToArray().Zip(x).Max(p => Math.Abs(p.First - p.Second)) > 0.1, "the flow should move the points");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LogDet_EqualsBruteForceJacobian(string kind, string mask, bool actNorm)
    {
        using var device = Device.Cpu();
        var config = Small(kind, mask, actNorm);
        using var net = new FlowNetwork(device, config, new Initializer(5));
        Perturb(net, 6);
        int dim = config.Dim, rows = 3;
        var rng = new System.Random(7);
        var x = Enumerable.Range(0, rows * dim).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] z, logdet;
        using (var scope = device.NoGrad())
        {
            var (zt, ld) = net.Forward(Tensor.FromArray(device, x, rows, dim));
            z = zt.ToArray();
            logdet = ld.ToArray();
        }
        var reference = new ReferenceFlow(net);
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Skip(r * dim).Take(dim).Select(v => (double)v).ToArray();
            var zr = reference.Forward(xr);
            for (int d = 0; d < dim; d++)
                Assert.True(Math.Abs(zr[d] - z[r * dim + d]) <= 1e-4 * (1 + Math.Abs(zr[d])), $"z[{r},{d}] = {z[r * dim + d]}, float64 reference {zr[d]}");
            // The Jacobian by central differences of the float64 map, and log|det| by LU with partial pivoting.
            var jac = new double[dim, dim];
            const double h = 1e-6;
            for (int j = 0; j < dim; j++)
            {
                var plus = (double[])xr.Clone();
                var minus = (double[])xr.Clone();
                plus[j] += h;
                minus[j] -= h;
                var fp = reference.Forward(plus);
                var fm = reference.Forward(minus);
                for (int i = 0; i < dim; i++) jac[i, j] = (fp[i] - fm[i]) / (2 * h);
            }
            double expected = LogAbsDet(jac);
            output.WriteLine($"row {r}: logdet {logdet[r]:F6}, log|det J| {expected:F6}");
            Assert.True(Math.Abs(logdet[r] - expected) <= 1e-4 * (1 + Math.Abs(expected)), $"row {r}: logdet {logdet[r]} but log|det J| = {expected}");
        }
        if (kind == FlowConfig.RealNvp) Assert.True(logdet.Max(Math.Abs) > 0.05f, "the test should exercise a non-trivial log-determinant");
    }

    [Fact]
    public void RealNvp_On8GaussiansWide_ReachesTheOptimalNll()
    {
        // Generator: FFJORD's 8gaussians ("8gaussians-wide" in ToyData): (4·c_k + 0.5·N(0, I))/1.414. The
        // optimum is the generator's entropy E[−log p(x)], estimated here by Monte Carlo of the exact
        // mixture density over 200,000 fresh points (≈ 2.83 nats).
        double optimum = TrueEntropy(200_000);
        Assert.InRange(optimum, 2.78, 2.86);
        using var device = Device.Cpu();
        const int steps = 2000;
        const float lr = 3e-3f;
        using var flow = Flow.Create(device, FlowConfig.Toy(FlowConfig.RealNvp, "8gaussians-wide", layers: 8, hidden: 48, hiddenLayers: 2, lr: lr, batch: 256, seed: 1));
        double first = flow.ToyNll(4000, 11);
        for (int s = 0; s < steps; s++)
        {
            flow.Optimizer.LearningRate = lr * (1 - (float)s / steps);   // linear decay: the last steps average out the noise
            Assert.True(float.IsFinite(flow.TrainStep()), $"loss is not finite at step {s}");
        }
        double nll = flow.ToyNll(20_000, 11);
        output.WriteLine($"test NLL {first:F3} → {nll:F3} nats after {steps} steps; optimum {optimum:F3}");
        Assert.True(nll - optimum <= 0.15, $"test NLL {nll:F3} is more than 0.15 nats above the optimum {optimum:F3}");
    }

    [Fact]
    public void CosineDecayDrivesAdamsLearningRate()
    {
        var config = FlowConfig.Toy(FlowConfig.RealNvp, "moons", layers: 2, hidden: 8, lr: 2e-3f, batch: 32, seed: 4, decaySteps: 10);
        // lr·(0.01 + 0.99·½(1 + cos πt/T)), float64 reference.
        foreach (int t in new[] { 0, 3, 5, 9, 10, 25 })
            Assert.Equal(2e-3 * (0.01 + 0.99 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(t, 10) / 10))), config.LearningRateAt(t), 9);
        Assert.Equal(2e-3f, (config with { DecaySteps = 0 }).LearningRateAt(7));
        using var device = Device.Cpu();
        using var flow = Flow.Create(device, config);
        for (int s = 0; s < 7; s++)
        {
            Assert.True(float.IsFinite(flow.TrainStep()));
            Assert.Equal(config.LearningRateAt(s), flow.Optimizer.LearningRate);
        }
        // The schedule is part of the stored config; a config from before it reads as constant.
        Assert.Equal(config, ConfigJson.Read<FlowConfig>(ConfigJson.Write(config), "test"));
        string old = ConfigJson.Write(config).Replace(",\"decay_steps\":10", "");
        Assert.DoesNotContain("decay_steps", old);
        Assert.Equal(0, ConfigJson.Read<FlowConfig>(old, "test").DecaySteps);
    }

    /// <summary>−mean log p(x) of the exact 8gaussians-wide mixture over n of its own points, in float64.</summary>
    private static double TrueEntropy(int n)
    {
        var points = ToyData.Sample("8gaussians-wide", n, seed: 77);
        const double sigma = 0.5 / 1.414;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double px = 0;
            for (int k = 0; k < 8; k++)
            {
                double cx = 4 * Math.Cos(2 * Math.PI * k / 8) / 1.414, cy = 4 * Math.Sin(2 * Math.PI * k / 8) / 1.414;
                double dx = points[2 * i] - cx, dy = points[2 * i + 1] - cy;
                px += Math.Exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma) / 8;
            }
            sum -= Math.Log(px);
        }
        return sum / n;
    }

    private static double LogAbsDet(double[,] a)
    {
        int n = a.GetLength(0);
        a = (double[,])a.Clone();
        double logdet = 0;
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[p, c])) p = r;
            if (p != c) for (int k = 0; k < n; k++) (a[c, k], a[p, k]) = (a[p, k], a[c, k]);
            logdet += Math.Log(Math.Abs(a[c, c]));
            for (int r = c + 1; r < n; r++)
            {
                double f = a[r, c] / a[c, c];
                for (int k = c; k < n; k++) a[r, k] -= f * a[c, k];
            }
        }
        return logdet;
    }

    /// <summary>The flow's forward map in float64, read from its weights (the float64 twin the Jacobian is taken of).</summary>
    private sealed class ReferenceFlow
    {
        private readonly List<Func<double[], double[]>> steps = [];

        public ReferenceFlow(FlowNetwork net)
        {
            var p = net.NamedParameters().ToDictionary(t => t.Name, t => t.Tensor.ToArray().Select(v => (double)v).ToArray());
            var c = net.Config;
            for (int k = 0; k < c.Layers; k++)
            {
                var mask = CouplingMasks.Make(c.Mask, k, c.Channels, c.Height, c.Width).Select(v => (double)v).ToArray();
                string prefix = $"coupling{k}.";
                var t = Mlp(p, prefix + "t.net.", c.HiddenLayers);
                if (c.Kind == FlowConfig.Nice)
                    steps.Add(x =>
                    {
                        var tv = t(x.Select((v, i) => v * mask[i]).ToArray());
                        return x.Select((v, i) => v + (1 - mask[i]) * tv[i]).ToArray();
                    });
                else
                {
                    var s = Mlp(p, prefix + "s.net.", c.HiddenLayers);
                    steps.Add(x =>
                    {
                        var xm = x.Select((v, i) => v * mask[i]).ToArray();
                        var sv = s(xm);
                        var tv = t(xm);
                        return x.Select((v, i) => xm[i] + (1 - mask[i]) * (v * Math.Exp(Math.Tanh(sv[i]) * (1 - mask[i])) + tv[i])).ToArray();
                    });
                }
                if (c.ActNorm) steps.Add(Affine(p[$"actnorm{k}.log_scale"], p[$"actnorm{k}.bias"]));
            }
            if (c.Kind == FlowConfig.Nice) steps.Add(Affine(p["scaling.log_scale"], null));
        }

        public double[] Forward(double[] x)
        {
            foreach (var step in steps) x = step(x);
            return x;
        }

        private static Func<double[], double[]> Affine(double[] logScale, double[]? bias) =>
            x => x.Select((v, i) => (v + (bias?[i] ?? 0)) * Math.Exp(logScale[i])).ToArray();

        /// <summary>Linear ReLU … Linear, the Sequential's Linear layers at indices 0, 2, 4, ….</summary>
        private static Func<double[], double[]> Mlp(Dictionary<string, double[]> p, string prefix, int hiddenLayers)
        {
            var layers = Enumerable.Range(0, hiddenLayers + 1).Select(i => (W: p[$"{prefix}{2 * i}.weight"], B: p[$"{prefix}{2 * i}.bias"])).ToArray();
            return x =>
            {
                for (int l = 0; l < layers.Length; l++)
                {
                    var (w, b) = layers[l];
                    int outF = b.Length, inF = x.Length;
                    var y = new double[outF];
                    for (int o = 0; o < outF; o++)
                    {
                        double sum = b[o];
                        for (int i = 0; i < inF; i++) sum += w[o * inF + i] * x[i];
                        y[o] = l < layers.Length - 1 ? Math.Max(0, sum) : sum;
                    }
                    x = y;
                }
                return x;
            };
        }
    }
}
