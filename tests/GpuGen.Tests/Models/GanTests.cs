using GpuGen.Autograd;
using GpuGen.Data;
using GpuGen.Metrics;
using GpuGen.Models.Gan;
using GpuGen.Nn;
using GpuGen.Tensors;
using Xunit.Abstractions;

namespace GpuGen.Tests.Models;

/// <summary>GAN and cGAN: spectral norm, R1, label smoothing, the DCGAN step, checkpoints, and 8gaussians mode coverage.</summary>
public class GanTests(ITestOutputHelper output)
{
    private static double[,] Gram(float[] w, int rows, int cols)
    {
        var g = new double[cols, cols];
        for (int a = 0; a < cols; a++)
            for (int b = 0; b < cols; b++)
                for (int i = 0; i < rows; i++) g[a, b] += (double)w[i * cols + a] * w[i * cols + b];
        return g;
    }

    /// <summary>The largest singular value, exactly: √ of the largest eigenvalue of WᵀW (Jacobi, float64).</summary>
    private static double ExactSigma(float[] w, int rows, int cols) => Math.Sqrt(SymmetricEigen.Decompose(Gram(w, rows, cols)).Values.Max());

    [Theory]
    [InlineData(5, 3, 1)]
    [InlineData(4, 7, 2)]
    [InlineData(16, 9, 3)]
    [InlineData(1, 12, 4)]
    public void PowerIteration_ConvergesToTheExactLargestSingularValue(int rows, int cols, int seed)
    {
        var rng = new System.Random(seed);
        var w = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        double exact = ExactSigma(w, rows, cols);
        var u = Enumerable.Range(0, rows).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double sigma = 0;
        for (int it = 0; it < 500; it++) (u, _, sigma) = SpectralNorm.Step(w, rows, cols, u);
        output.WriteLine($"{rows}×{cols}: power iteration {sigma:F10}, SVD {exact:F10}");
        Assert.True(Math.Abs(sigma - exact) <= 1e-7 * exact, $"σ {sigma} vs exact {exact}");

        // The module: after repeated training forwards, W/σ has spectral norm 1.
        using var device = Device.Cpu();
        using var sn = new SpectralNorm(device, rows, cols, new Initializer((ulong)seed));
        using var weight = Tensor.FromArray(device, w, rows, cols);
        float[] normalized = [];
        for (int it = 0; it < 300; it++)
            using (device.NoGrad())
                normalized = sn.Apply(weight, update: true).ToArray();
        double after = ExactSigma(normalized, rows, cols);
        Assert.True(Math.Abs(after - 1) < 1e-4, $"the spectrally normalized weight has σ = {after}");
    }

    [Fact]
    public void SpectralNorm_Gradient_MatchesFiniteDifferences_WithUAndVFixed()
    {
        // d/dW Σ r ⊙ W/σ(W), σ = uᵀWv with u and v constants (as torch's spectral_norm differentiates it).
        const int rows = 3, cols = 4;
        var rng = new System.Random(8);
        var w = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var r = Enumerable.Range(0, rows * cols).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        using var device = Device.Cpu();
        using var sn = new SpectralNorm(device, rows, cols, new Initializer(3));
        var u = sn.U.ToArray().Select(x => (double)x).ToArray();
        float[] grad;
        using (device.Step())
        {
            var weight = Tensor.FromArray(device, w, rows, cols);
            weight.RequiresGrad = true;
            var y = sn.Apply(weight, update: false);
            Ops.Sum(Ops.Mul(y, Tensor.FromArray(device, r.Select(x => (float)x).ToArray(), rows, cols))).Backward();
            grad = weight.Grad!.ToArray();
        }
        // v from the unperturbed W, as the op computed it; then both held fixed.
        var v = new double[cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) v[j] += w[i * cols + j] * u[i];
        double norm = Math.Sqrt(v.Sum(x => x * x));
        for (int j = 0; j < cols; j++) v[j] /= norm;
        double L(double[] wd)
        {
            double sigma = 0, sum = 0;
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) sigma += u[i] * wd[i * cols + j] * v[j];
            for (int k = 0; k < wd.Length; k++) sum += r[k] * wd[k] / sigma;
            return sum;
        }
        var wd = w.Select(x => (double)x).ToArray();
        double scale = 0;
        var numeric = new double[wd.Length];
        for (int k = 0; k < wd.Length; k++)
        {
            double keep = wd[k];
            wd[k] = keep + 1e-6;
            double plus = L(wd);
            wd[k] = keep - 1e-6;
            double minus = L(wd);
            wd[k] = keep;
            numeric[k] = (plus - minus) / 2e-6;
            scale = Math.Max(scale, Math.Abs(numeric[k]));
        }
        for (int k = 0; k < wd.Length; k++)
            Assert.True(Math.Abs(grad[k] - numeric[k]) <= 2e-3 * (Math.Abs(numeric[k]) + scale), $"dW[{k}] {grad[k]} vs finite differences {numeric[k]}");
    }

    [Fact]
    public void R1Penalty_OfTheMlpDiscriminator_AndItsGradient_MatchFiniteDifferences()
    {
        // Reference in float64: D(x) = w_out·a_L + b, a_l = LeakyReLU_0.2(W_l a_{l−1} + b_l); ∇ₓD by hand; R1 = γ/(2N) Σ‖∇ₓD(xᵢ)‖².
        const int n = 6, hidden = 5, layers = 2;
        const float gamma = 3f;
        var config = new GanConfig { Architecture = "mlp", Hidden = hidden, HiddenLayers = layers, Latent = 2, Batch = n, Seed = 4, R1Gamma = gamma };
        using var device = Device.Cpu();
        using var d = new MlpDiscriminator(device, config, new Initializer(6));
        var rng = new System.Random(5);
        var x = Enumerable.Range(0, n * 2).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var names = d.NamedParameters().Select(p => p.Name).ToArray();
        var values = d.Parameters().Select(p => p.ToArray().Select(v => (double)v).ToArray()).ToArray();
        float engine;
        float[][] grads;
        using (device.Step())
        {
            var penalty = d.R1Penalty(Tensor.FromArray(device, x, n, 2), null, gamma)!;
            penalty.Backward();
            engine = penalty.Item();
            grads = d.Parameters().Select(p => p.Grad!.ToArray()).ToArray();
        }
        double R1(double[][] p)
        {
            // p: [W0, b0, W1, b1, …, Wout, bout] in registration order.
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                var a = new double[] { x[2 * i], x[2 * i + 1] };
                var slopes = new List<double[]>();
                var ws = new List<(double[] W, int Out, int In)>();
                for (int l = 0; l < layers; l++)
                {
                    int inF = a.Length;
                    var pre = new double[hidden];
                    for (int o = 0; o < hidden; o++)
                    {
                        pre[o] = p[2 * l + 1][o];
                        for (int k = 0; k < inF; k++) pre[o] += p[2 * l][o * inF + k] * a[k];
                    }
                    slopes.Add(pre.Select(v => v > 0 ? 1.0 : 0.2).ToArray());
                    ws.Add((p[2 * l], hidden, inF));
                    a = pre.Select(v => v > 0 ? v : 0.2 * v).ToArray();
                }
                var g = p[2 * layers].ToArray();   // w_out [1, hidden]
                for (int l = layers - 1; l >= 0; l--)
                {
                    var (W, outF, inF) = ws[l];
                    var next = new double[inF];
                    for (int o = 0; o < outF; o++)
                        for (int k = 0; k < inF; k++) next[k] += g[o] * slopes[l][o] * W[o * inF + k];
                    g = next;
                }
                total += g.Sum(e => e * e);
            }
            return gamma / (2.0 * n) * total;
        }
        double reference = R1(values);
        output.WriteLine($"R1 engine {engine:F6}, float64 {reference:F6}");
        Assert.True(Math.Abs(engine - reference) <= 1e-5 * reference + 1e-7, $"R1 {engine} vs {reference}");
        for (int t = 0; t < values.Length; t++)
        {
            double scale = 0;
            var numeric = new double[values[t].Length];
            for (int k = 0; k < values[t].Length; k++)
            {
                double keep = values[t][k];
                values[t][k] = keep + 1e-6;
                double plus = R1(values);
                values[t][k] = keep - 1e-6;
                double minus = R1(values);
                values[t][k] = keep;
                numeric[k] = (plus - minus) / 2e-6;
                scale = Math.Max(scale, Math.Abs(numeric[k]));
            }
            for (int k = 0; k < numeric.Length; k++)
                Assert.True(Math.Abs(grads[t][k] - numeric[k]) <= 2e-3 * (Math.Abs(numeric[k]) + scale) + 1e-9,
                    $"d R1 / d {names[t]}[{k}]: engine {grads[t][k]}, finite differences {numeric[k]}");
        }
    }

    [Fact]
    public void OneSidedLabelSmoothing_ChangesOnlyTheRealTarget()
    {
        // BCE(l, t) = softplus(l) − t·l, so lowering the real target from 1 to 0.9 adds exactly 0.1·mean(l_real) to D's loss.
        using var device = Device.Cpu();
        var baseConfig = new GanConfig { Data = "8gaussians", Architecture = "mlp", Latent = 4, Hidden = 16, HiddenLayers = 2, Batch = 32, Seed = 2 };
        using var plain = Gan.Create(device, baseConfig);
        using var smooth = Gan.Create(device, baseConfig with { RealTarget = 0.9f });
        var points = ToyData.Sample("8gaussians", 32, 1);
        using var real = Tensor.FromArray(device, points, 32, 2);
        double meanLogit;
        using (device.NoGrad()) meanLogit = plain.D.Forward(real, null).ToArray().Average();
        var a = plain.TrainStep(real);
        var b = smooth.TrainStep(real);
        output.WriteLine($"lossD {a.LossD:F6} vs {b.LossD:F6}, 0.1·mean logit {0.1 * meanLogit:F6}");
        Assert.True(Math.Abs(b.LossD - a.LossD - 0.1 * meanLogit) < 2e-6, $"ΔlossD {b.LossD - a.LossD} vs {0.1 * meanLogit}");
        Assert.Equal(a.DFake, b.DFake);   // the fake side is untouched
        Assert.NotEqual(plain.D.Parameters().First().ToArray(), smooth.D.Parameters().First().ToArray());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void DcganAndCgan_Step_TrainsBothNetworks_AndCheckpointsResumeExactly(bool conditional, bool spectral)
    {
        using var device = Device.Cpu();
        var config = new GanConfig { Data = "test", Height = 8, Width = 8, Latent = 16, Batch = 8, Seed = 3, Classes = conditional ? 3 : 0, SpectralNorm = spectral, RealTarget = 0.9f };
        using var run = Gan.Create(device, config);
        var rng = new System.Random(1);
        var images = Enumerable.Range(0, 8 * 64).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var labels = new[] { 0, 1, 2, 0, 1, 2, 0, 1 };
        GanStepResult Step(Gan g)
        {
            using var scope = device.Step();
            return g.TrainStep(Tensor.FromArray(device, images, 8, 1, 8, 8), conditional ? Tensor.FromInts(device, labels, 8) : null);
        }
        var g0 = run.G.Parameters().First().ToArray();
        var d0 = run.D.Parameters().First().ToArray();
        var first = Step(run);
        Assert.True(Math.Abs(first.LossD - 2 * Math.Log(2)) < 0.5, $"an untrained D's loss is near 2 ln 2, got {first.LossD}");
        Assert.True(float.IsFinite(first.LossG) && first.DReal is > 0 and < 1 && first.DFake is > 0 and < 1);
        Assert.NotEqual(g0, run.G.Parameters().First().ToArray());
        Assert.NotEqual(d0, run.D.Parameters().First().ToArray());
        if (spectral) Assert.All(run.D.Sigmas, s => Assert.True(s > 0 && double.IsFinite(s)));
        Step(run);
        string path = Path.Combine(Path.GetTempPath(), $"gpugen-gan-{Guid.NewGuid():N}.safetensors");
        try
        {
            run.Save(path);
            using var resumed = Gan.Load(device, path);
            Assert.Equal(2, resumed.Step);
            Assert.Equal(run.Sample(4, 9), resumed.Sample(4, 9));
            var a = Step(run);
            var b = Step(resumed);
            Assert.Equal(a, b);
            Assert.Equal(run.G.Parameters().Last().ToArray(), resumed.G.Parameters().Last().ToArray());
            var samples = run.Sample(6, 2, conditional ? [2, 2, 2, 1, 1, 1] : default);
            Assert.Equal(6 * 64, samples.Length);
            Assert.All(samples, v => Assert.True(v >= -1 && v <= 1));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// DCGAN parameters, layer by layer, for G channels C and D channels c on H×W (f = H/4·W/4): G's
    /// projection (z + label)·C·f, BatchNorm 2C, the transposed convolutions C·C/2·16 and C/2·16 + 1,
    /// BatchNorm C; D's convolutions c·16 + c and c·2c·16, BatchNorm 4c, the output 2c·f + 1, the
    /// projection 2c·f·classes; the label embedding classes·label_dim.
    /// </summary>
    private static (long G, long D) ExpectedDcganParameters(GanConfig c)
    {
        long f = c.Height / 4 * (c.Width / 4), g = c.GeneratorChannels, d = c.DiscriminatorChannels, k = c.Classes, label = k > 0 ? c.LabelDim : 0;
        long gen = k * label + (c.Latent + label) * g * f + 2 * g + g * (g / 2) * 16 + g + (g / 2) * 16 + 1;
        long disc = d * 16 + d + d * 2 * d * 16 + 4 * d + 2 * d * f + 1 + 2 * d * f * k;
        return (gen, disc);
    }

    [Theory]
    [InlineData(128, 64, 0, 533_889, 138_689)]   // dcgan_step's networks, today's default
    [InlineData(64, 32, 10, 0, 0)]
    [InlineData(96, 24, 0, 0, 0)]
    public void DcganChannels_SetTheWidths_OnFashionMnistShapes(int gChannels, int dChannels, int classes, long knownG, long knownD)
    {
        using var device = Device.Cpu();
        var config = new GanConfig { GChannels = gChannels, DChannels = dChannels, Classes = classes };
        using var run = Gan.Create(device, config);
        var (g, d) = (run.G.ParameterCount(), run.D.ParameterCount());
        output.WriteLine($"{config}: G {g:N0}, D {d:N0} parameters");
        Assert.Equal(ExpectedDcganParameters(config), (g, d));
        if (knownG > 0) Assert.Equal((knownG, knownD), (g, d));
    }

    [Theory]
    [InlineData(false, 16, 8)]
    [InlineData(true, 8, 4)]
    public void ANarrowDcgan_Trains_DLearnsToTellRealFromFake(bool conditional, int gChannels, int dChannels)
    {
        // Real images: a bright bar (row band for class 0, column band for class 1) on a dark field; a fresh
        // G's samples are noise around 0, so D's loss must fall well below its untrained 2 ln 2 in a few steps.
        using var device = Device.Cpu();
        var config = new GanConfig { Data = "test", Height = 8, Width = 8, Latent = 8, Batch = 16, Seed = 5, Classes = conditional ? 2 : 0, GChannels = gChannels, DChannels = dChannels, LearningRate = 1e-3f };
        using var run = Gan.Create(device, config);
        Assert.Equal(ExpectedDcganParameters(config), (run.G.ParameterCount(), run.D.ParameterCount()));
        var rng = new System.Random(6);
        var losses = new List<GanStepResult>();
        for (int s = 0; s < 40; s++)
        {
            var labels = Enumerable.Range(0, config.Batch).Select(_ => rng.Next(2)).ToArray();
            var images = new float[config.Batch * 64];
            for (int i = 0; i < config.Batch; i++)
                for (int p = 0; p < 64; p++)
                {
                    bool on = labels[i] == 0 ? p / 8 is 3 or 4 : p % 8 is 3 or 4;
                    images[i * 64 + p] = (on ? 0.8f : -0.8f) + 0.1f * (float)(rng.NextDouble() - 0.5);
                }
            using var scope = device.Step();
            losses.Add(run.TrainStep(Tensor.FromArray(device, images, config.Batch, 1, 8, 8), conditional ? Tensor.FromInts(device, labels, config.Batch) : null));
        }
        double first = losses.Take(5).Average(l => l.LossD), last = losses.TakeLast(5).Average(l => l.LossD);
        output.WriteLine($"G {gChannels}, D {dChannels}: D's loss {first:F3} → {last:F3}; G's loss {losses.Take(5).Average(l => l.LossG):F3} → {losses.TakeLast(5).Average(l => l.LossG):F3}");
        Assert.All(losses, l => Assert.True(float.IsFinite(l.LossD) && float.IsFinite(l.LossG)));
        Assert.True(last < first - 0.2, $"D's loss should fall: {first:F3} → {last:F3}");
    }

    [Fact]
    public void MlpGan_On8Gaussians_CoversAtLeast6Of8Modes()
    {
        // A mode counts as covered when at least 1% of 2,000 samples (20) lie within 3σ = 0.3 of its centre
        // (the data: centres at radius 2, σ = 0.1 per axis).
        using var device = Device.Cpu();
        var config = new GanConfig { Data = "8gaussians", Architecture = "mlp", Latent = 8, Hidden = 128, HiddenLayers = 3, Batch = 128, Seed = 1, LearningRate = 1e-3f };
        using var run = Gan.Create(device, config);
        const int steps = 600;
        for (int s = 0; s < steps; s++)
        {
            using var scope = device.Step();
            run.TrainStep(Tensor.FromArray(device, ToyData.Sample("8gaussians", config.Batch, 7, (ulong)s), config.Batch, 2));
        }
        var samples = run.Sample(2000, 5);
        var counts = new int[8];
        for (int i = 0; i < 2000; i++)
            for (int k = 0; k < 8; k++)
            {
                double cx = 2 * Math.Cos(2 * Math.PI * k / 8), cy = 2 * Math.Sin(2 * Math.PI * k / 8);
                if (Math.Pow(samples[2 * i] - cx, 2) + Math.Pow(samples[2 * i + 1] - cy, 2) <= 0.3 * 0.3) counts[k]++;
            }
        int covered = counts.Count(c => c >= 20);
        output.WriteLine($"samples per mode after {steps} steps: {string.Join(", ", counts)}; {covered} of 8 covered, {counts.Sum() / 20.0:F1}% within 3σ");
        Assert.True(covered >= 6, $"only {covered} of 8 modes covered: {string.Join(", ", counts)}");
    }
}
