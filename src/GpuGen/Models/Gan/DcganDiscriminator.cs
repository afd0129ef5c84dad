using GpuGen.Autograd;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Gan;

/// <summary>
/// The DCGAN discriminator of dcgan_step (bench/README.md h), with C = <see cref="GanConfig.DiscriminatorChannels"/>
/// (64 in dcgan_step):
///   Conv2d(1→C, k4, s2, p1) LeakyReLU(0.2) → Conv2d(C→2C, k4, s2, p1, bias=False) BatchNorm2d LeakyReLU(0.2)
///   → flatten φ(x) [2C·H/4·W/4] → Linear(·, 1).
/// Conditional: logit += ⟨φ(x), E[y]⟩ (projection discriminator). With spectral normalization every
/// weight (both convolutions, the linear layer) is divided by its σ.
/// </summary>
public sealed class DcganDiscriminator : GanDiscriminator
{
    private readonly int features;

    public DcganDiscriminator(Device device, GanConfig config, Initializer init) : base(device)
    {
        int c = config.DiscriminatorChannels;
        features = 2 * c * (config.Height / 4) * (config.Width / 4);
        Conv1 = Child("conv1", new Conv2d(device, 1, c, 4, init, stride: 2, padding: 1));
        Conv2 = Child("conv2", new Conv2d(device, c, 2 * c, 4, init, stride: 2, padding: 1, bias: false));
        Norm = Child("bn", new BatchNorm2d(device, 2 * c));
        Out = Child("fc", new Linear(device, features, 1, init));
        Projection = config.Classes > 0 ? Parameter("projection", init.KaimingUniform(device, features, config.Classes, features)) : null;
        if (config.SpectralNorm)
        {
            Sn1 = Child("conv1_sn", new SpectralNorm(device, c, 16, init));
            Sn2 = Child("conv2_sn", new SpectralNorm(device, 2 * c, c * 16, init));
            SnOut = Child("fc_sn", new SpectralNorm(device, 1, features, init));
        }
    }

    public Conv2d Conv1 { get; }

    public Conv2d Conv2 { get; }

    public BatchNorm2d Norm { get; }

    public Linear Out { get; }

    public Tensor? Projection { get; }

    public SpectralNorm? Sn1 { get; }

    public SpectralNorm? Sn2 { get; }

    public SpectralNorm? SnOut { get; }

    public override IReadOnlyList<double> Sigmas => Sn1 is null ? [] : [Sn1.Sigma, Sn2!.Sigma, SnOut!.Sigma];

    public override Tensor Forward(Tensor x, Tensor? labels)
    {
        var h = Ops.LeakyRelu(Ops.Conv2d(x, Weight(Conv1.Weight, Sn1), Conv1.Bias, 2, 1), 0.2f);
        h = Ops.LeakyRelu(Norm.Forward(Ops.Conv2d(h, Weight(Conv2.Weight, Sn2), null, 2, 1)), 0.2f);
        var phi = h.Reshape(x.Dim(0), features);
        var logit = Ops.Linear(phi, Weight(Out.Weight, SnOut), Out.Bias);
        if (Projection is null) return logit;
        var embedded = Ops.Embedding(labels ?? throw new ArgumentException("a conditional discriminator needs labels"), Projection);
        return Ops.Add(logit, Ops.SumAxis(Ops.Mul(phi, embedded), 1, keepDim: true));
    }

    private Tensor Weight(Tensor w, SpectralNorm? sn) => sn?.Apply(w, Training) ?? w;
}
