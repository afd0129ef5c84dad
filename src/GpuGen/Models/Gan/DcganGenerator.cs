using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>
/// The DCGAN generator of dcgan_step (bench/README.md h), for H×W images with H, W divisible by 4, with
/// C = <see cref="GanConfig.GeneratorChannels"/> (128 in dcgan_step):
///   z [latent] → Linear(latent, C·H/4·W/4, bias=False) → view [C, H/4, W/4] → BatchNorm2d ReLU
///   → ConvTranspose2d(C→C/2, k4, s2, p1, bias=False) → BatchNorm2d ReLU
///   → ConvTranspose2d(C/2→1, k4, s2, p1) → tanh.
/// A conditional generator concatenates a learned label embedding to z.
/// </summary>
public sealed class DcganGenerator : GanGenerator
{
    private readonly int channels, h0, w0;

    public DcganGenerator(Device device, GanConfig config, Initializer init) : base(device)
    {
        channels = config.GeneratorChannels;
        h0 = config.Height / 4;
        w0 = config.Width / 4;
        Label = config.Classes > 0 ? Child("label", new Embedding(device, config.Classes, config.LabelDim, init)) : null;
        Project = Child("fc", new Linear(device, config.Latent + (Label?.Dim ?? 0), channels * h0 * w0, init, bias: false));
        Norm0 = Child("bn0", new BatchNorm2d(device, channels));
        Up1 = Child("up1", new ConvTranspose2d(device, channels, channels / 2, 4, init, stride: 2, padding: 1, bias: false));
        Norm1 = Child("bn1", new BatchNorm2d(device, channels / 2));
        Up2 = Child("up2", new ConvTranspose2d(device, channels / 2, 1, 4, init, stride: 2, padding: 1));
    }

    public Embedding? Label { get; }

    public Linear Project { get; }

    public BatchNorm2d Norm0 { get; }

    public ConvTranspose2d Up1 { get; }

    public BatchNorm2d Norm1 { get; }

    public ConvTranspose2d Up2 { get; }

    public override Tensor Forward(Tensor z, Tensor? labels)
    {
        var input = Label is null ? z : Ops.Concat(1, z, Label.Forward(labels ?? throw new ArgumentException("a conditional generator needs labels")));
        var h = Project.Forward(input).Reshape(z.Dim(0), channels, h0, w0);
        h = Ops.Relu(Norm0.Forward(h));
        h = Ops.Relu(Norm1.Forward(Up1.Forward(h)));
        return Ops.Tanh(Up2.Forward(h));
    }
}
