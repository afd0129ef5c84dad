using GpuGen.Autograd;
using GpuGen.Models.PixelCnn;
using GpuGen.Tensors;
using GpuGen.Tests.Autograd;
using GpuGen.Tests.Support;
using Xunit.Abstractions;

namespace GpuGen.Tests.Models;

/// <summary>PixelCNN: causality of the masks, the pixel-major head, the loss falling, bits/dim, and sampling.</summary>
public class PixelCnnTests(ITestOutputHelper output)
{
    private static PixelCnnConfig Tiny(int classes = 0, int size = 8) => new()
    {
        Data = "test", Height = size, Width = size, Channels = 8, ResidualLayers = 2, Classes = classes, Batch = 16, Seed = 5, LearningRate = 3e-3f,
    };

    /// <summary>Random 8-bit images: bright bars (row i % 8 of even images, column of odd ones) on dark noise.</summary>
    internal static (byte[] Pixels, int[] Labels) Bars(int n, int size, int seed)
    {
        var rng = new System.Random(seed);
        var pixels = new byte[n * size * size];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 2;
            int at = rng.Next(size);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    pixels[(i * size + y) * size + x] = (labels[i] == 0 ? y == at : x == at) ? (byte)(250 + rng.Next(6)) : (byte)rng.Next(8);
        }
        return (pixels, labels);
    }

    [Fact]
    public void PixelLinear_MatchesReference_AndFiniteDifferences()
    {
        var rng = new System.Random(3);
        const int n = 2, c = 3, h = 2, w = 3, o = 4;
        GradientCheck.Run(4,
            [GradientCheck.RandomInput(rng, n, c, h, w), GradientCheck.RandomInput(rng, o, c), GradientCheck.RandomInput(rng, o)],
            t => Ops.PixelLinear(t[0], t[1], t[2]),
            v =>
            {
                var y = new double[n * h * w * o];
                for (int b = 0; b < n; b++)
                    for (int p = 0; p < h * w; p++)
                        for (int k = 0; k < o; k++)
                        {
                            double s = v[2][k];
                            for (int ch = 0; ch < c; ch++) s += v[0][(b * c + ch) * h * w + p] * v[1][k * c + ch];
                            y[(b * h * w + p) * o + k] = s;
                        }
                return y;
            });
    }

    [Fact]
    public void MaskA_GradientOfPixelI_IsExactlyZeroAtAndAfterI_OverTheWholeImage()
    {
        // For every output pixel i: ∂(Σ_k w_k·logit_k(i)) / ∂x_j = 0 exactly for every j ≥ i in raster order,
        // and not all zero before i (i > 0), on every backend. Random input and weights: nothing cancels by chance.
        foreach (string name in GradientCheck.Devices)
        {
            var device = new Device(TestBackends.Get(name));
            var config = Tiny(size: 7) with { ResidualLayers = 3 };
            using var net = new PixelCnnNet(device, config, new GpuGen.Nn.Initializer(9));
            var rng = new System.Random(2);
            int p = config.Height * config.Width;
            var x = Enumerable.Range(0, p).Select(_ => (float)rng.NextDouble()).ToArray();
            int violations = 0, blind = 0;
            for (int i = 0; i < p; i++)
            {
                var select = new float[p * PixelCnnConfig.Levels];
                for (int k = 0; k < PixelCnnConfig.Levels; k++) select[i * PixelCnnConfig.Levels + k] = (float)(rng.NextDouble() * 2 - 1);
                float[] grad;
                using (var scope = device.Step())
                {
                    var input = Tensor.FromArray(device, x, 1, 1, config.Height, config.Width);
                    input.RequiresGrad = true;
                    Ops.Sum(Ops.Mul(net.Forward(input), Tensor.FromArray(device, select, p, PixelCnnConfig.Levels))).Backward();
                    grad = input.Grad!.ToArray();
                }
                for (int j = i; j < p; j++)
                    if (grad[j] != 0f) violations++;
                if (i > 0 && grad.Take(i).All(g => g == 0f)) blind++;
            }
            foreach (var param in net.Parameters()) device.Kernels.Fill(param.Length, 0f, param.Grad!.Storage);
            device.Pool.Trim();
            Assert.True(violations == 0, $"on {name}: {violations} input pixels at or after the output pixel had a non-zero gradient");
            Assert.True(blind == 0, $"on {name}: {blind} output pixels saw none of the pixels before them");
        }
    }

    [Fact]
    public void Loss_Falls_OnTinyBars_AndBitsPerDimMatchesIt()
    {
        var (pixels, _) = Bars(64, 8, 1);
        using var device = Device.Cpu();
        using var run = PixelCnn.Create(device, Tiny());
        double before = run.BitsPerDim(pixels, 64);
        var losses = new List<float>();
        for (int step = 0; step < 80; step++)
        {
            int start = step * 16 % 64;
            losses.Add(run.TrainStep(pixels.AsSpan(start * 64, 16 * 64), 16));
        }
        double after = run.BitsPerDim(pixels, 64);
        output.WriteLine($"loss {losses.Take(5).Average():F3} → {losses.TakeLast(5).Average():F3} nats; bits/dim {before:F3} → {after:F3}");
        Assert.True(losses.Take(5).Average() > 5.0, "an untrained 256-way softmax starts near ln 256 = 5.55 nats");
        Assert.True(losses.TakeLast(5).Average() < 0.6 * losses.Take(5).Average(), "the loss should fall by 40% in 80 steps");
        Assert.True(after < 0.6 * before, $"bits/dim {before} → {after}");
        Assert.True(Math.Abs(after - losses.TakeLast(4).Average() / Math.Log(2)) < 0.5, "bits/dim is the loss in bits (same data, one step apart)");
    }

    [Fact]
    public void BitsPerDim_OfAUniformHead_IsExactly8()
    {
        var (pixels, labels) = Bars(10, 8, 4);
        using var device = Device.Cpu();
        using var run = PixelCnn.Create(device, Tiny(classes: 2));
        device.Kernels.Fill(run.Net.OutWeight.Length, 0f, run.Net.OutWeight.Storage);
        device.Kernels.Fill(run.Net.OutBias.Length, 0f, run.Net.OutBias.Storage);
        double bpd = run.BitsPerDim(pixels, 10, labels, batch: 4);
        Assert.True(Math.Abs(bpd - 8.0) < 1e-5, $"equal logits give log2(256) = 8 bits per pixel, got {bpd}");
    }

    [Fact]
    public void WindowedLogits_EqualFullImageLogits_AtEveryPixel()
    {
        // The sampler runs the network on a window around each pixel; its logits must be the full network's.
        using var device = Device.Cpu();
        var config = Tiny(classes: 3, size: 12) with { ResidualLayers = 2 };
        using var run = PixelCnn.Create(device, config);
        var (pixels, _) = Bars(2, 12, 7);
        var x = pixels.Select(v => v / 255f).ToArray();
        using var labels = Tensor.FromInts(device, [2, 0], 2);
        var sampler = new PixelCnnSampler(run);
        var windowed = new float[2 * PixelCnnConfig.Levels];
        float[] full;
        using (device.NoGrad())
            full = run.Net.Forward(Tensor.FromArray(device, x, 2, 1, 12, 12), labels).ToArray();
        double worst = 0;
        for (int r = 0; r < 12; r++)
            for (int j = 0; j < 12; j++)
            {
                int reach = config.Reach;
                sampler.Logits(x, 2, Math.Max(0, r - reach), r, Math.Max(0, j - reach), Math.Min(11, j + reach), r, j, labels, windowed);
                for (int i = 0; i < 2; i++)
                    for (int k = 0; k < PixelCnnConfig.Levels; k++)
                    {
                        double a = windowed[i * PixelCnnConfig.Levels + k], b = full[((i * 12 + r) * 12 + j) * PixelCnnConfig.Levels + k];
                        worst = Math.Max(worst, Math.Abs(a - b) / (1 + Math.Abs(b)));
                    }
            }
        output.WriteLine($"largest relative difference, window vs full image: {worst:E2}");
        Assert.True(worst < 1e-5, $"windowed logits differ from the full image's by {worst}");
    }

    [Fact]
    public void Sampling_WithAFixedSeed_IsReproducible_AndFillsInRasterOrder()
    {
        using var device = Device.Cpu();
        using var run = PixelCnn.Create(device, Tiny());
        var (pixels, _) = Bars(32, 8, 2);
        for (int step = 0; step < 10; step++) run.TrainStep(pixels.AsSpan(step % 2 * 16 * 64, 16 * 64), 16);
        int calls = 0;
        var a = run.Sample(3, 11, observer: (pixel, images) =>
        {
            Assert.Equal(calls++, pixel);
            if (pixel + 1 < 64) Assert.Equal(0, images[pixel + 1]);   // nothing after the current pixel yet
        });
        Assert.Equal(64, calls);
        var b = run.Sample(3, 11);
        var c = run.Sample(3, 12);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Image i depends on the seed and i alone, not on the batch it was drawn in.
        Assert.Equal(a.AsSpan(0, 2 * 64).ToArray(), run.Sample(2, 11));
        // And the windowed sampler draws exactly what the full-image sampler draws.
        Assert.Equal(a, new PixelCnnSampler(run) { Window = false }.Sample(3, 11));
    }
}
