using GpuGen.Autograd;
using GpuGen.Data;
using GpuGen.Models.Flows;
using GpuGen.Nn;
using GpuGen.Tensors;
using GpuGen.Tests.Support;
using Xunit.Abstractions;
using static GpuGen.Tests.Autograd.GradientCheck;

namespace GpuGen.Tests.Models;

/// <summary>RealNVP's multi-scale conv architecture: squeeze, invertibility, exact log-determinants, and a falling NLL.</summary>
public class ConvFlowTests(ITestOutputHelper output)
{
    internal static FlowConfig Conv(int channels, int side, int scales, bool actNorm) =>
        new(FlowConfig.RealNvp, "fashion-mnist", Channels: channels, Height: side, Width: side, Hidden: 6, ActNorm: actNorm,
            Batch: 16, LearningRate: 2e-3f, Seed: 3, Arch: FlowConfig.Conv, Scales: scales, Blocks: 1);

    /// <summary>Random weights: the zero-initialized last convolutions would make every coupling the identity.</summary>
    private static void Perturb(FlowNetwork net, int seed, float amplitude)
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
    [InlineData(1, 4, 4)]
    [InlineData(3, 2, 6)]
    public void Squeeze_IsThePermutationAndItsGradient(int rows, int channels, int side)
    {
        var rng = new System.Random(rows * 100 + channels);
        int half = side / 2;
        // y[n, 4c + 2a + b, i, j] = x[n, c, 2i + a, 2j + b], checked forward and backward (finite differences) on every backend.
        var made = new List<Squeeze>();   // the one-hot weight must outlive the backward pass
        try
        {
            Run(rows + channels, [RandomInput(rng, rows, channels, side, side)],
                t =>
                {
                    var squeeze = new Squeeze(t[0].Device, channels);
                    made.Add(squeeze);
                    return squeeze.Forward(t[0]);
                },
                v =>
                {
                    var y = new double[v[0].Length];
                    for (int n = 0; n < rows; n++)
                        for (int c = 0; c < channels; c++)
                            for (int a = 0; a < 2; a++)
                                for (int b = 0; b < 2; b++)
                                    for (int i = 0; i < half; i++)
                                        for (int j = 0; j < half; j++)
                                            y[(((n * channels + c) * 4 + 2 * a + b) * half + i) * half + j] = v[0][((n * channels + c) * side + 2 * i + a) * side + 2 * j + b];
                    return y;
                });
        }
        finally
        {
            foreach (var squeeze in made) squeeze.Dispose();
        }
    }

    [Theory]
    [DeviceData("cpu")]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("cuda:0")]
    [DeviceData("opencl:0")]
    public void Squeeze_UnsqueezeRoundTripIsExact(string backend)
    {
        var device = new Device(Support.TestBackends.Get(backend));
        try
        {
            var x = TestData.Normal(5, 2 * 3 * 8 * 6);
            using var squeeze = new Squeeze(device, 3);
            using var scope = device.NoGrad();
            var t = Tensor.FromArray(device, x, 2, 3, 8, 6);
            var y = squeeze.Forward(t);
            Assert.Equal([2, 12, 4, 3], y.Dims);
            var back = squeeze.Inverse(y).ToArray();
            Assert.Equal(x, back);
        }
        finally
        {
            device.Pool.Trim();
        }
    }

    [Theory]
    [InlineData(1, 8, 2, false)]
    [InlineData(2, 8, 3, true)]
    public void RoundTrip_XToZToX(int channels, int side, int scales, bool actNorm)
    {
        using var device = Device.Cpu();
        var config = Conv(channels, side, scales, actNorm);
        using var net = new FlowNetwork(device, config, new Initializer(1));
        Perturb(net, 2, 0.2f);
        var rng = new System.Random(4);
        int rows = 5;
        var x = Enumerable.Range(0, rows * config.Dim).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        using var scope = device.NoGrad();
        var (z, logdet) = net.Forward(Tensor.FromArray(device, x, rows, config.Dim));
        Assert.Equal([rows, config.Dim], z.Dims);
        Assert.Equal([rows], logdet.Dims);
        var back = net.Inverse(z).ToArray();
        double worst = x.Zip(back).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"max |x − f⁻¹(f(x))| = {worst:E2}, max |logdet| = {logdet.ToArray().Max(Math.Abs):F3}");
        Assert.True(worst <= 1e-4, $"round trip off by {worst:E2}");
        Assert.True(z.ToArray().Zip(x).Max(p => Math.Abs(p.First - p.Second)) > 0.1, "the flow should move the points");
    }

    [Theory]
    [InlineData(1, 4, false)]
    [InlineData(2, 4, true)]
    public void LogDet_EqualsBruteForceJacobian(int channels, int side, bool actNorm)
    {
        using var device = Device.Cpu();
        var config = Conv(channels, side, 2, actNorm);
        using var net = new FlowNetwork(device, config, new Initializer(5));
        Perturb(net, 6, 0.5f);
        int dim = config.Dim, rows = 2;
        var rng = new System.Random(7);
        var x = Enumerable.Range(0, rows * dim).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] z, logdet;
        using (var scope = device.NoGrad())
        {
            var (zt, ld) = net.Forward(Tensor.FromArray(device, x, rows, dim));
            z = zt.ToArray();
            logdet = ld.ToArray();
        }
        var reference = new ConvReferenceFlow(net);
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Skip(r * dim).Take(dim).Select(v => (double)v).ToArray();
            var (zr, ldr) = reference.Forward(xr);
            for (int d = 0; d < dim; d++)
                Assert.True(Math.Abs(zr[d] - z[r * dim + d]) <= 1e-4 * (1 + Math.Abs(zr[d])), $"z[{r},{d}] = {z[r * dim + d]}, float64 reference {zr[d]}");
            // The Jacobian of the float64 map by central differences, log|det| by LU with partial pivoting.
            var jac = new double[dim, dim];
            const double h = 1e-6;
            for (int j = 0; j < dim; j++)
            {
                var plus = (double[])xr.Clone();
                var minus = (double[])xr.Clone();
                plus[j] += h;
                minus[j] -= h;
                var fp = reference.Forward(plus).Z;
                var fm = reference.Forward(minus).Z;
                for (int i = 0; i < dim; i++) jac[i, j] = (fp[i] - fm[i]) / (2 * h);
            }
            double expected = ConvReferenceFlow.LogAbsDet(jac);
            output.WriteLine($"row {r}: logdet {logdet[r]:F6}, reference Σs {ldr:F6}, log|det J| {expected:F6}");
            Assert.True(Math.Abs(ldr - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"row {r}: the reference's Σs {ldr} but its log|det J| = {expected}");
            Assert.True(Math.Abs(logdet[r] - expected) <= 1e-4 * (1 + Math.Abs(expected)), $"row {r}: logdet {logdet[r]} but log|det J| = {expected}");
        }
        Assert.True(logdet.Max(Math.Abs) > 0.05f, "the test should exercise a non-trivial log-determinant");
    }

    [Fact]
    public void Training_LowersTestBitsPerDim_AndSamples()
    {
        using var device = Device.Cpu();
        var train = Blobs(256, 1);
        var test = Blobs(64, 2);
        using var flow = Flow.Create(device, Conv(1, 8, 2, actNorm: true), train);
        double before = flow.BitsPerDim(test, 64, 9);
        float first = flow.TrainStep(), last = 0;
        for (int s = 1; s < 60; s++)
        {
            last = flow.TrainStep();
            Assert.True(float.IsFinite(last), $"loss is not finite at step {s}");
        }
        double after = flow.BitsPerDim(test, 64, 9);
        output.WriteLine($"train loss {first:F3} → {last:F3} bits/dim; test {before:F3} → {after:F3} bits/dim");
        Assert.True(after < before - 0.3, $"test bits/dim {before:F3} → {after:F3} should fall by 0.3");
        var samples = flow.Sample(4, 0.7f, 1);
        Assert.Equal(4 * 64, samples.Length);
        Assert.All(samples, v => Assert.InRange(v, 0f, 1f));
    }

    /// <summary>8×8 images of one bright blob on a dark background with a little noise: easy structure to learn.</summary>
    internal static Dataset Blobs(int count, int seed)
    {
        var rng = new System.Random(seed);
        var pixels = new byte[count * 64];
        for (int n = 0; n < count; n++)
        {
            double cx = 2 + rng.NextDouble() * 4, cy = 2 + rng.NextDouble() * 4;
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 8; j++)
                {
                    double v = 220 * Math.Exp(-((i - cy) * (i - cy) + (j - cx) * (j - cx)) / 3) + 10 + rng.NextDouble() * 20;
                    pixels[n * 64 + i * 8 + j] = (byte)Math.Clamp(v, 0, 255);
                }
        }
        return new Dataset(pixels, count, 1, 8, 8, name: $"blobs-{seed}");
    }
}
