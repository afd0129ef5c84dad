using GpuGen.Data;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Vae;

/// <summary>`gpugen train vae` and `gpugen train cvae`: a VAE or a conditional VAE on images.</summary>
public static class VaeRecipe
{
    public static TrainParameter<string> Arch { get; } = new("--arch", "encoder and decoder: mlp (the vae_mlp_step network) or conv", VaeConfig.Mlp)
    {
        Choices = [VaeConfig.Mlp, VaeConfig.Conv],
    };
    public static TrainParameter<int> Latent { get; } = new("--latent", "latent dimensions (2 gives a latent-walk picture)", 20);
    public static TrainParameter<string> Likelihood { get; } = new("--likelihood", "bernoulli (dynamically binarized pixels) or gaussian (pixels in [0, 1])", VaeConfig.Bernoulli)
    {
        Choices = [VaeConfig.Bernoulli, VaeConfig.Gaussian],
    };
    public static TrainParameter<float> Sigma { get; } = new("--sigma", "Gaussian likelihood: the decoder's fixed σ", 0.1f);
    public static TrainParameter<int?> Hidden { get; } = new("--hidden", "width H of the networks: mlp H and H/2, conv the dense layer H/2 (default 512: the vae_mlp_step network)");

    public static TrainingRecipe Unconditional { get; } = Make("vae", "VAE (Bernoulli or Gaussian decoder; MLP or conv) on fashion-mnist, idx:DIR or folder:DIR");

    public static TrainingRecipe Conditional { get; } = Make("cvae", "conditional VAE: a learned prior mean per class, the label into the decoder (needs labels)");

    private static TrainingRecipe Make(string kind, string description) => new()
    {
        Command = kind,
        Description = description,
        DataHelp = "training images: fashion-mnist, idx:DIR or folder:DIR",
        BatchHelp = "batch size (default 128)",
        LearningRateHelp = "Adam learning rate (default 1e-3)",
        SamplesHelp = "images in each sample grid (default 100)",
        Parameters = [Arch, Latent, Likelihood, Sigma, Hidden],
        LiveView = new("show the loss curve, steps/s and samples live in a window", "with --view: new samples every K steps", 100),
        Prepare = a => Prepare(a, kind),
    };

    private static OpenTraining Prepare(TrainArguments a, string kind)
    {
        string spec = DataSpec.Canonical(a.Data);
        if (ToyData.IsToy(spec)) throw new TrainArgumentException($"--data {spec}: {kind} models images; the 2-D toys are for flows and ddpm");
        var data = TrainingSetup.OpenData(spec);
        bool conditional = kind == "cvae";
        if (conditional && !data.HasLabels) throw new TrainArgumentException($"--data {spec}: a CVAE needs labels (folder:DIR needs one sub-folder per class)");
        int classes = conditional ? data.ClassCount : 10;
        return (device, resume) =>
        {
            Vae model;
            if (resume is not null)
            {
                model = Vae.Load(device, resume.Path);
                var c = model.Config;
                string? problem = c.Family != kind ? $"holds a {c.Family}, not a {kind}"
                    : c.Channels != data.Channels || c.Height != data.Height || c.Width != data.Width
                        ? $"takes {c.Channels}×{c.Height}×{c.Width} images, the data has {data.Channels}×{data.Height}×{data.Width}"
                        : conditional && c.Classes < classes ? $"knows {c.Classes} classes, the data has {classes}" : null;
                if (problem is not null)
                {
                    model.Dispose();
                    throw TrainingSetup.Mismatch(resume, $"the model {problem}");
                }
            }
            else
            {
                var config = new VaeConfig(conditional, a.Get(Arch), spec, data.Channels, data.Height, data.Width, classes, a.Get(Latent), a.Get(Likelihood),
                    a.Get(Sigma), a.LearningRateOr(1e-3f), a.BatchOr(128), a.Seed, a.Get(Hidden));
                model = TrainingSetup.Checked(() => Vae.Create(device, config));
            }
            return TrainingSetup.Wrap(model, resume, m => new VaeTraining(m, data, a.SamplesOr(100)));
        };
    }
}
