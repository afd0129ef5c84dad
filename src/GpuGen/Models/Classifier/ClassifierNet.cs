using GpuGen.Autograd;
using GpuGen.Backends;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Classifier;

/// <summary>
/// The classifier's network, x [N, C, H, W] in [−1, 1]:
/// [conv3×3 → BatchNorm → ReLU → avgpool2] × 2 → conv3×3 → BatchNorm → ReLU → flatten → Linear → ReLU
/// (the features) → dropout → Linear (the logits). With the default config: 1×28×28 → 32×14×14 →
/// 64×7×7 → 128×7×7 → 128 → 10.
/// </summary>
public sealed class ClassifierNet : Module
{
    public ClassifierNet(Device device, ClassifierConfig config, Initializer init) : base(device)
    {
        config.Validate();
        Config = config;
        Body = Child("body", new Sequential(device,
            new Conv2d(device, config.Channels, config.Width1, 3, init, padding: 1),
            new BatchNorm2d(device, config.Width1),
            new Activation(device, UnaryOp.Relu),
            new AvgPool2x2(device),
            new Conv2d(device, config.Width1, config.Width2, 3, init, padding: 1),
            new BatchNorm2d(device, config.Width2),
            new Activation(device, UnaryOp.Relu),
            new AvgPool2x2(device),
            new Conv2d(device, config.Width2, config.Width3, 3, init, padding: 1),
            new BatchNorm2d(device, config.Width3),
            new Activation(device, UnaryOp.Relu)));
        FlatSize = config.Width3 * (config.Height / 4) * (config.Width / 4);
        Feature = Child("feature", new Linear(device, FlatSize, config.FeatureDim, init));
        Head = Child("head", new Linear(device, config.FeatureDim, config.Classes, init));
    }

    public ClassifierConfig Config { get; }

    public Sequential Body { get; }

    public Linear Feature { get; }

    public Linear Head { get; }

    /// <summary>Size of the flattened convolutional output that <see cref="Feature"/> reads.</summary>
    public int FlatSize { get; }

    /// <summary>The penultimate activations [N, FeatureDim] (after the ReLU).</summary>
    public Tensor Features(Tensor x)
    {
        Check(x);
        var h = Body.Forward(x);
        return Ops.Relu(Feature.Forward(h.Reshape(x.Dim(0), FlatSize)));
    }

    /// <summary>
    /// Logits [N, Classes]; in training mode dropout (Philox stream <paramref name="dropoutStream"/> of the
    /// config's seed) is applied to the features first.
    /// </summary>
    public Tensor Logits(Tensor x, ulong dropoutStream = 0)
    {
        var f = Features(x);
        f = Ops.Dropout(f, Config.Dropout, Config.Seed, dropoutStream, Training);
        return Head.Forward(f);
    }

    private void Check(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(1) != Config.Channels || x.Dim(2) != Config.Height || x.Dim(3) != Config.Width)
            throw new ArgumentException($"classifier expects images [N, {Config.Channels}, {Config.Height}, {Config.Width}], got {x.Describe()}");
    }
}
