using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.PixelCnn;

/// <summary>
/// An autoregressive PixelCNN run end to end: the network, Adam, training on 8-bit images with the exact
/// 256-way cross-entropy per pixel, the exact negative log-likelihood in bits/dim, checkpoints that
/// resume, and raster-order sampling (<see cref="PixelCnnSampler"/>).
/// </summary>
public sealed class PixelCnn : IDisposable
{
    public const string Family = "pixelcnn";

    private PixelCnn(Device device, PixelCnnConfig config)
    {
        config.Validate();
        Config = config;
        Device = device;
        Net = new PixelCnnNet(device, config, new Initializer(config.Seed));
        Optimizer = new Adam(Net.Parameters(), config.LearningRate);
    }

    public static PixelCnn Create(Device device, PixelCnnConfig config) => new(device, config);

    /// <summary>Restores a run from a checkpoint written by <see cref="Save"/> (weights, optimizer, step).</summary>
    public static PixelCnn Load(Device device, string path)
    {
        return Checkpoint.Load(path, [Family], c => new PixelCnn(device, ConfigJson.Read<PixelCnnConfig>(c)), r => r.State());
    }

    public PixelCnnConfig Config { get; }

    public Device Device { get; }

    public PixelCnnNet Net { get; }

    public Adam Optimizer { get; }

    public long Step => Optimizer.StepCount;

    public bool Conditional => Config.Classes > 0;

    public int PixelsPerImage => Config.Height * Config.Width;

    /// <summary>The run's state as its checkpoints name it: weights, buffers and optimizer state.</summary>
    public StateDict State() => new StateDict(Net).WithOptimizer(Optimizer);

    public void Save(string path) => Checkpoint.Save(path, Family, ConfigJson.Write(Config), Step, State());

    /// <summary>
    /// One Adam step on <paramref name="count"/> images of 8-bit pixels [count, H, W] (and their labels when
    /// conditional); returns the loss, the mean cross-entropy per pixel in nats.
    /// </summary>
    public float TrainStep(ReadOnlySpan<byte> pixels, int count, ReadOnlySpan<int> labels = default)
    {
        using var scope = Device.Step();
        Optimizer.ZeroGrad();
        var loss = Loss(pixels, count, labels);
        loss.Backward();
        Optimizer.Step();
        return loss.Item();
    }

    /// <summary>The mean cross-entropy per pixel (nats) of a batch, on the current step scope's tape.</summary>
    public Tensor Loss(ReadOnlySpan<byte> pixels, int count, ReadOnlySpan<int> labels = default)
    {
        var (x, targets, y) = Upload(pixels, count, labels);
        return Ops.CrossEntropy(Net.Forward(x, y), targets);
    }

    /// <summary>
    /// The exact negative log-likelihood of 8-bit images under the model, in bits per dimension:
    /// −Σ log₂ p(vᵢ | v&lt;ᵢ) / (count·H·W), over batches of <paramref name="batch"/>.
    /// </summary>
    public double BitsPerDim(ReadOnlySpan<byte> pixels, int count, ReadOnlySpan<int> labels = default, int batch = 64,
        Action<int, int>? progress = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "need at least one image");
        double nats = 0;
        int p = PixelsPerImage;
        for (int start = 0; start < count; start += batch)
        {
            int m = Math.Min(batch, count - start);
            using var scope = Device.NoGrad();
            var loss = Loss(pixels.Slice(start * p, m * p), m, labels.IsEmpty ? default : labels.Slice(start, m));
            nats += (double)loss.Item() * m * p;
            progress?.Invoke(start + m, count);
        }
        return nats / ((double)count * p * Math.Log(2));
    }

    /// <summary>Samples n images in raster order; see <see cref="PixelCnnSampler.Sample"/>.</summary>
    public byte[] Sample(int n, ulong seed, ReadOnlySpan<int> labels = default, PixelCnnSampler.PixelObserver? observer = null) =>
        new PixelCnnSampler(this).Sample(n, seed, labels, observer);

    /// <summary>x = v/255 [count, 1, H, W], the targets v [count·H·W] and the labels [count] (or null), in the current scope.</summary>
    private (Tensor X, Tensor Targets, Tensor? Labels) Upload(ReadOnlySpan<byte> pixels, int count, ReadOnlySpan<int> labels)
    {
        int p = PixelsPerImage;
        if (count < 1 || pixels.Length != count * p)
            throw new ArgumentException($"expected {count} images of {Config.Height}×{Config.Width} = {count * p} pixels, got {pixels.Length}");
        var x = new float[pixels.Length];
        var v = new int[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            v[i] = pixels[i];
            x[i] = pixels[i] / 255f;
        }
        return (Tensor.FromArray(Device, x, count, 1, Config.Height, Config.Width), Tensor.FromInts(Device, v, v.Length), LabelTensor(labels, count));
    }

    internal Tensor? LabelTensor(ReadOnlySpan<int> labels, int count)
    {
        if (!Conditional)
        {
            if (!labels.IsEmpty) throw new ArgumentException("this PixelCNN is unconditional: it takes no labels");
            return null;
        }
        if (labels.Length != count) throw new ArgumentException($"a class-conditional PixelCNN needs one label per image: {labels.Length} for {count}");
        foreach (int l in labels)
            if (l < 0 || l >= Config.Classes) throw new ArgumentException($"label {l} is outside 0 … {Config.Classes - 1}");
        return Tensor.FromInts(Device, labels, count);
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Net.Dispose();
    }
}
