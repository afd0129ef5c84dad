using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>
/// The DCGAN generator of dcgan_step (bench/README.md h), for H×W images with H, W divisible by 4:
///   z [latent] → Linear(latent, 128·H/4·W/4, bias=False) → view [128, H/4, W/4] → BatchNorm2d ReLU
///   → ConvTranspose2d(128→64, k4, s2, p1, bias=False) → BatchNorm2d ReLU
///   → ConvTranspose2d(64→1, k4, s2, p1) → tanh.
/// A conditional generator concatenates a learned label embedding to z.
/// </summary>
public sealed class DcganGenerator : GanGenerator
{
    private readonly int h0, w0;

    public DcganGenerator(Device device, GanConfig config, Initializer init) : base(device)
    {
        h0 = config.Height / 4;
        w0 = config.Width / 4;
        Label = config.Classes > 0 ? Child("label", new Embedding(device, config.Classes, config.LabelDim, init)) : null;
        Project = Child("fc", new Linear(device, config.Latent + (Label?.Dim ?? 0), 128 * h0 * w0, init, bias: false));
        Norm0 = Child("bn0", new BatchNorm2d(device, 128));
        Up1 = Child("up1", new ConvTranspose2d(device, 128, 64, 4, init, stride: 2, padding: 1, bias: false));
        Norm1 = Child("bn1", new BatchNorm2d(device, 64));
        Up2 = Child("up2", new ConvTranspose2d(device, 64, 1, 4, init, stride: 2, padding: 1));
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
        var h = Project.Forward(input).Reshape(z.Dim(0), 128, h0, w0);
        h = Ops.Relu(Norm0.Forward(h));
        h = Ops.Relu(Norm1.Forward(Up1.Forward(h)));
        return Ops.Tanh(Up2.Forward(h));
    }
}
