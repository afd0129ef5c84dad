using GpuGen.Autograd;
using GpuGen.Backends;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Models.Vae;

/// <summary>
/// Encoder q(z|x) = N(μ, diag e^{log σ²}) and decoder p(x|z[, y]) of a VAE (Kingma &amp; Welling 2014) or
/// CVAE. MLP: x → H → H/2 → (μ, log σ²) and z → H/2 → H → D, H = <see cref="VaeConfig.HiddenWidth"/> (512: the
/// vae_mlp_step network). Conv: Conv 4×4/2 (C→32) ReLU Conv 4×4/2 (32→64) ReLU → Linear H/2 ReLU → heads,
/// and back through Linear and two 4×4/2 transposed convolutions. A CVAE feeds the one-hot label to the decoder beside z and
/// learns one prior mean μ_y per class ("prior_means" [classes, latent]; the prior is N(μ_y, I)).
/// </summary>
public sealed class VaeNetwork : Module
{
    private readonly Sequential encoder;
    private readonly Linear muHead, logvarHead;
    private readonly Sequential decoderIn;
    private readonly Sequential? decoderConv;

    public VaeNetwork(Device device, VaeConfig config, Initializer init) : base(device)
    {
        config.Validate();
        Config = config;
        int d = config.Dim, h4 = config.Height / 4, w4 = config.Width / 4, wide = config.HiddenWidth, narrow = config.HiddenWidth / 2;
        var relu = () => new Activation(device, UnaryOp.Relu);
        if (config.Arch == VaeConfig.Mlp)
        {
            encoder = new Sequential(device, new Linear(device, d, wide, init), relu(), new Linear(device, wide, narrow, init), relu());
        }
        else
        {
            encoder = new Sequential(device,
                new Conv2d(device, config.Channels, 32, 4, init, stride: 2, padding: 1), relu(),
                new Conv2d(device, 32, 64, 4, init, stride: 2, padding: 1), relu(),
                new Flatten(device),
                new Linear(device, 64 * h4 * w4, narrow, init), relu());
        }
        Child("encoder", encoder);
        muHead = Child("mu", new Linear(device, narrow, config.Latent, init));
        logvarHead = Child("logvar", new Linear(device, narrow, config.Latent, init));
        int zIn = config.Latent + (config.Conditional ? config.Classes : 0);
        if (config.Arch == VaeConfig.Mlp)
        {
            decoderIn = new Sequential(device, new Linear(device, zIn, narrow, init), relu(), new Linear(device, narrow, wide, init), relu(), new Linear(device, wide, d, init));
        }
        else
        {
            decoderIn = new Sequential(device, new Linear(device, zIn, narrow, init), relu(), new Linear(device, narrow, 64 * h4 * w4, init), relu());
            decoderConv = Child("decoder_conv", new Sequential(device,
                new ConvTranspose2d(device, 64, 32, 4, init, stride: 2, padding: 1), relu(),
                new ConvTranspose2d(device, 32, config.Channels, 4, init, stride: 2, padding: 1)));
        }
        Child("decoder", decoderIn);
        if (config.Conditional) PriorMeans = Parameter("prior_means", init.Normal(device, 0f, 1f, config.Classes, config.Latent));
    }

    public VaeConfig Config { get; }

    /// <summary>μ_y per class [classes, latent] of a CVAE; null for a plain VAE (prior N(0, I)).</summary>
    public Tensor? PriorMeans { get; }

    /// <summary>(μ, log σ²) [N, latent] of q(z|x) for images x [N, C, H, W] (or [N, D] for the MLP).</summary>
    public (Tensor Mu, Tensor Logvar) Encode(Tensor x)
    {
        var input = Config.Arch == VaeConfig.Mlp ? x.Reshape(x.Dim(0), Config.Dim) : x.Reshape(x.Dim(0), Config.Channels, Config.Height, Config.Width);
        var h = encoder.Forward(input);
        return (muHead.Forward(h), logvarHead.Forward(h));
    }

    /// <summary>Logits [N, D] of p(x|z[, y]) (Bernoulli) or its means (Gaussian); <paramref name="onehot"/> [N, classes] for a CVAE.</summary>
    public Tensor Decode(Tensor z, Tensor? onehot)
    {
        if (Config.Conditional != onehot is not null)
            throw new ArgumentException(Config.Conditional ? "a CVAE decodes with a label (one-hot [N, classes])" : "a plain VAE takes no label");
        var input = onehot is null ? z : Ops.Concat(1, z, onehot);
        var h = decoderIn.Forward(input);
        if (decoderConv is null) return h;
        var image = decoderConv.Forward(h.Reshape(h.Dim(0), 64, Config.Height / 4, Config.Width / 4));
        return image.Reshape(image.Dim(0), Config.Dim);
    }

    /// <summary>μ_y rows [N, latent] for int labels [N] (a CVAE's prior means).</summary>
    public Tensor PriorMeansOf(Tensor labels) =>
        Ops.Embedding(labels, PriorMeans ?? throw new InvalidOperationException("a plain VAE has no class prior means"));

    /// <summary>[N, D] → [N, D] (a reshape as a layer, for the conv encoder).</summary>
    private sealed class Flatten(Device device) : Module(device), ILayer
    {
        public Tensor Forward(Tensor x) => x.Reshape(x.Dim(0), -1);
    }
}
