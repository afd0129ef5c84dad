using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.PixelCnn;

/// <summary>
/// PixelCNN (van den Oord et al. 2016) as the pixelcnn_step network of bench/README.md:
///   h = MaskA Conv7×7(1→C)(x);  repeat L×: h = h + MaskB Conv3×3(C→C)(ReLU(h));
///   logits = Conv1×1(C→256)(ReLU(Conv1×1(C→C)(ReLU(h)))),
/// the last 1×1 laid out pixel-major ([N·H·W, 256], <see cref="Ops.PixelLinear"/>) so the loss is a row
/// softmax. With classes, each layer adds a learned per-class channel bias (zero at init) to its output.
/// </summary>
public sealed class PixelCnnNet : Module
{
    private readonly Tensor[] labelBias;

    public PixelCnnNet(Device device, PixelCnnConfig config, Initializer init) : base(device)
    {
        config.Validate();
        Config = config;
        int c = config.Channels;
        Input = Child("input", new MaskedConv2d(device, ConvMaskKind.A, 1, c, 7, init));
        Residual = Enumerable.Range(0, config.ResidualLayers)
            .Select(i => Child($"res{i}", new MaskedConv2d(device, ConvMaskKind.B, c, c, 3, init))).ToArray();
        Hidden = Child("head1", new Conv2d(device, c, c, 1, init));
        // torch.nn.Conv2d(C, 256, 1) init: fan_in = C.
        OutWeight = Parameter("head2.weight", init.KaimingUniform(device, c, PixelCnnConfig.Levels, c));
        OutBias = Parameter("head2.bias", init.KaimingUniform(device, c, PixelCnnConfig.Levels));
        labelBias = config.Classes > 0
            ? Enumerable.Range(0, config.ResidualLayers + 2).Select(i => Parameter($"label_bias{i}", Tensor.Zeros(device, config.Classes, c))).ToArray()
            : [];
    }

    public PixelCnnConfig Config { get; }

    public MaskedConv2d Input { get; }

    public IReadOnlyList<MaskedConv2d> Residual { get; }

    public Conv2d Hidden { get; }

    public Tensor OutWeight { get; }

    public Tensor OutBias { get; }

    /// <summary>The features before the head, [N, C, H, W], for pixel values x [N, 1, H, W] in [0, 1].</summary>
    public Tensor Body(Tensor x, Tensor? labels = null)
    {
        CheckLabels(x, labels);
        var h = WithLabel(Input.Forward(x), labels, 0);
        for (int i = 0; i < Residual.Count; i++)
            h = Ops.Add(h, WithLabel(Residual[i].Forward(Ops.Relu(h)), labels, i + 1));
        return h;
    }

    /// <summary>The 256-way logits [N·H'·W', 256] (pixel-major) of body features h [N, C, H', W'].</summary>
    public Tensor Head(Tensor h, Tensor? labels = null)
    {
        var hidden = Ops.Relu(WithLabel(Hidden.Forward(Ops.Relu(h)), labels, Residual.Count + 1));
        return Ops.PixelLinear(hidden, OutWeight, OutBias);
    }

    /// <summary>Logits [N·H·W, 256] for x [N, 1, H, W] in [0, 1] (and int labels [N] when conditional).</summary>
    public Tensor Forward(Tensor x, Tensor? labels = null) => Head(Body(x, labels), labels);

    private Tensor WithLabel(Tensor h, Tensor? labels, int layer) =>
        labels is null ? h : Ops.AddChannelBias(h, Ops.Embedding(labels, labelBias[layer]));

    private void CheckLabels(Tensor x, Tensor? labels)
    {
        if (x.Rank != 4 || x.Dim(1) != 1) throw new ArgumentException($"PixelCNN takes one-channel images [N, 1, H, W], got {x.Describe()}");
        if (Config.Classes > 0 && (labels is null || labels.Length != x.Dim(0)))
            throw new ArgumentException($"a class-conditional PixelCNN needs one label per image ({x.Dim(0)})");
        if (Config.Classes == 0 && labels is not null) throw new ArgumentException("this PixelCNN is unconditional: it takes no labels");
    }
}
