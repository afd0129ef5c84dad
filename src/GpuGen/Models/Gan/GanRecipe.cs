using GpuGen.Data;
using GpuGen.Training;

namespace GpuGen.Models.Gan;

/// <summary>`gpugen train gan` and `gpugen train cgan`: a DCGAN on images or an MLP GAN on a 2-D toy, and the class-conditional DCGAN.</summary>
public static class GanRecipe
{
    public static TrainParameter<int?> Latent { get; } = new("--latent", "dimension of z (default 64 for images, 8 for toys)");
    public static TrainParameter<int> Hidden { get; } = new("--hidden", "toys: MLP width", 128);
    public static TrainParameter<int> Layers { get; } = new("--layers", "toys: hidden layers of each MLP", 3);
    public static TrainParameter<int?> GChannels { get; } = new("--g-channels", "images: G's channels at H/4, halved at H/2 (default 128, dcgan_step's)");
    public static TrainParameter<int?> DChannels { get; } = new("--d-channels", "images: D's channels at H/2, doubled at H/4 (default 64, dcgan_step's)");
    public static TrainParameter<float> RealTarget { get; } = new("--label-smoothing", "one-sided label smoothing: D's target for real data (1 = off, 0.9 is usual)",
        1f, "--real-target");
    public static TrainParameter<bool> SpectralNorm { get; } = new("--spectral-norm", "spectral normalization of D's weights");
    public static TrainParameter<float> R1 { get; } = new("--r1", "R1 penalty γ on real data (0 = off; toys only)", 0f);

    public static TrainingRecipe Unconditional { get; } = Make(conditional: false);

    public static TrainingRecipe Conditional { get; } = Make(conditional: true);

    private static TrainingRecipe Make(bool conditional) => new()
    {
        Command = conditional ? "cgan" : "gan",
        Description = conditional
            ? "conditional GAN on labelled images: label embedding into G, projection D; --class at sampling"
            : "GAN: DCGAN on images (fashion-mnist, idx:DIR, folder:DIR) or an MLP GAN on a 2-D toy",
        DataHelp = conditional
            ? "labelled images: fashion-mnist, idx:DIR, folder:DIR"
            : $"images (fashion-mnist, idx:DIR, folder:DIR) or a 2-D toy ({string.Join(", ", ToyData.Names)})",
        SampleEvery = 500,
        BatchHelp = "batch size (default 64 for images, 256 for toys)",
        LearningRateHelp = "Adam learning rate of both networks, β = (0.5, 0.999) (default 2e-4 for images, 1e-3 for toys)",
        SamplesHelp = "samples per picture, all from one fixed z (default 64 images, 100 for cgan, 2000 points for toys)",
        Parameters = [Latent, Hidden, Layers, GChannels, DChannels, RealTarget, SpectralNorm, R1],
        LiveView = new("show G's samples from a fixed z and the D and G losses live in a window", "with --view: new samples from the fixed z every K steps", 25),
        Prepare = a => Prepare(a, conditional),
    };

    private static OpenTraining Prepare(TrainArguments a, bool conditional)
    {
        string spec = a.Data;
        bool toy = ToyData.IsToy(spec);
        if (toy && conditional) throw new TrainArgumentException($"train cgan needs labelled images; '{spec}' is a 2-D toy");
        Dataset? data = null;
        if (!toy)
        {
            data = TrainingSetup.OpenData(spec);
            if (data.Channels != 1) throw new TrainArgumentException($"--data {spec}: the DCGAN takes one-channel images, this data has {data.Channels} channels");
            if (conditional && !data.HasLabels) throw new TrainArgumentException($"train cgan: {spec} has no labels (folder:DIR needs one sub-folder per class)");
        }
        int samples = a.SamplesOr(toy ? 2000 : conditional ? 100 : 64);
        return (device, resume) =>
        {
            var model = resume is not null ? Gan.Load(device, resume.Path) : TrainingSetup.Checked(() => Gan.Create(device, NewConfig(a, spec, data, conditional)));
            return TrainingSetup.Wrap(model, resume, m => m.Conditional != conditional
                ? throw new ArgumentException($"that model is {(conditional ? "unconditional (train gan)" : "conditional (train cgan)")}")
                : new GanTraining(m, data, samples));
        };
    }

    private static GanConfig NewConfig(TrainArguments a, string spec, Dataset? data, bool conditional)
    {
        bool toy = data is null;
        var config = new GanConfig
        {
            Data = toy ? ToyData.Canonical(spec) : spec,
            Architecture = toy ? "mlp" : "dcgan",
            Height = data?.Height ?? 28,
            Width = data?.Width ?? 28,
            Latent = a.Get(Latent) ?? (toy ? 8 : 64),
            Hidden = a.Get(Hidden),
            HiddenLayers = a.Get(Layers),
            GChannels = a.Get(GChannels),
            DChannels = a.Get(DChannels),
            Classes = conditional ? data!.ClassCount : 0,
            LearningRate = a.LearningRateOr(toy ? 1e-3f : 2e-4f),
            Batch = a.BatchOr(toy ? 256 : 64),
            Seed = a.Seed,
            RealTarget = a.Get(RealTarget),
            SpectralNorm = a.Get(SpectralNorm),
            R1Gamma = a.Get(R1),
        };
        config.Validate();
        return config;
    }
}
