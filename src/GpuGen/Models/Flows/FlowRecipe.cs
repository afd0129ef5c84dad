using GpuGen.Data;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models.Flows;

/// <summary>`gpugen train nice` and `gpugen train realnvp`: normalising flows on images or on a 2-D toy.</summary>
public static class FlowRecipe
{
    public static TrainParameter<string> Arch { get; } = new("--arch",
        "images, realnvp: mlp (coupling MLPs on flattened images) or conv (RealNVP's multi-scale conv architecture)", FlowConfig.Mlp) { Choices = FlowConfig.Archs };
    public static TrainParameter<int> Scales { get; } = new("--scales",
        "--arch conv: scales (each but the last: 3 checkerboard couplings, squeeze, 3 channel couplings, factor out half)", 2);
    public static TrainParameter<int> Blocks { get; } = new("--blocks", "--arch conv: residual blocks in each coupling's conv net", 2);
    public static TrainParameter<int?> Layers { get; } = new("--layers", "coupling layers (--arch mlp; default 16 for 2-D toys, 8 for images)");
    public static TrainParameter<int?> Hidden { get; } = new("--hidden", "width of the coupling nets (default 512 for images, 64 for 2-D toys; --arch conv: filters, default 64)");
    public static TrainParameter<int> HiddenLayers { get; } = new("--hidden-layers", "hidden layers of each coupling net", 2);
    public static TrainParameter<string> Mask { get; } = new("--mask", "images: checkerboard or channel masks, alternating", "checkerboard") { Choices = [.. CouplingMasks.Kinds] };
    public static TrainParameter<bool?> ActNorm { get; } = new("--actnorm",
        "ActNorm (data-initialized scale and bias) after each coupling (default on for 2-D toys, off for images; --actnorm false turns it off)");
    public static TrainParameter<string?> LrDecay { get; } = new("--lr-decay",
        "the learning rate over --steps: constant, or cosine down to 1% (default cosine for 2-D toys, constant for images)") { Choices = ["constant", "cosine"] };
    public static TrainParameter<float> Alpha { get; } = new("--alpha", "images: α of the logit transform", 0.05f);
    public static TrainParameter<float?> Temperature { get; } = new("--temperature", "temperature of the pictures' samples (default 1 for 2-D toys, 0.8 for images)", "-t");

    public static TrainingRecipe Nice { get; } = Make(FlowConfig.Nice, "NICE: additive couplings and a diagonal scaling, on images or 2-D toys");

    public static TrainingRecipe RealNvp { get; } = Make(FlowConfig.RealNvp, "RealNVP: affine couplings (checkerboard or channel masks), on images or 2-D toys");

    private static TrainingRecipe Make(string kind, string description) => new()
    {
        Command = kind,
        Description = description,
        DataHelp = $"training data: fashion-mnist, idx:DIR, folder:DIR, or a 2-D toy ({string.Join(", ", ToyData.Names)})",
        BatchHelp = "batch size (default 128 for images, 512 for 2-D toys)",
        LearningRateHelp = "Adam learning rate (default 1e-4 for images, 1e-3 for 2-D toys)",
        SamplesHelp = "images in each sample grid (default 100) or points in a 2-D picture (default 2000)",
        Parameters = [Arch, Scales, Blocks, Layers, Hidden, HiddenLayers, Mask, ActNorm, LrDecay, Alpha, Temperature],
        LiveView = new("show the loss curve, steps/s and samples live in a window", "with --view: new samples every K steps", 100),
        Prepare = a => Prepare(a, kind),
    };

    private static OpenTraining Prepare(TrainArguments a, string kind)
    {
        string spec = DataSpec.Canonical(a.Data);
        bool toy = ToyData.IsToy(spec);
        if (toy)
        {
            spec = ToyData.Canonical(spec);
            TrainingSetup.Refuse(a, [Mask, Alpha], p => $"{p.Name} applies to image data only, not to the 2-D toy '{spec}'");
        }
        string arch = a.Get(Arch);
        bool conv = arch == FlowConfig.Conv;
        if (conv && (toy || kind != FlowConfig.RealNvp))
            throw new TrainArgumentException($"--arch conv is RealNVP's multi-scale architecture for images, not for {kind} on {spec}");
        TrainingSetup.Refuse(a, conv ? [Layers, HiddenLayers, Mask] : [Scales, Blocks], p => $"{p.Name} does not apply to --arch {arch}");
        float temperature = a.Get(Temperature) ?? (toy ? 1f : 0.8f);
        if (!(temperature >= 0)) throw new TrainArgumentException($"--temperature must be 0 or positive, got {temperature}");
        var data = toy ? null : TrainingSetup.OpenData(spec);
        return (device, resume) =>
        {
            Flow model;
            if (resume is not null)
            {
                FlowConfig c;
                using (var peek = Flow.Load(device, resume.Path)) c = peek.Config;
                if (c.Kind != kind) throw TrainingSetup.Mismatch(resume, $"the model is a {c.Kind}, not a {kind}");
                if (c.IsToy != toy || (toy && c.Data != spec) || (data is not null && data.ExampleSize != c.Dim))
                    throw TrainingSetup.Mismatch(resume, $"the model was trained on {c.Data} ({c.Channels}×{c.Height}×{c.Width}), not on {spec}");
                model = Flow.Load(device, resume.Path, data);
            }
            else
            {
                var config = NewConfig(a, kind, spec, data, conv);
                model = TrainingSetup.Checked(() => Flow.Create(device, config, data));
            }
            return new FlowTraining(model, a.SamplesOr(data is null ? 2000 : 100), temperature);
        };
    }

    private static FlowConfig NewConfig(TrainArguments a, string kind, string spec, Dataset? data, bool conv)
    {
        bool toy = data is null;
        int decay = (a.Get(LrDecay) ?? (toy ? "cosine" : "constant")) == "cosine" ? a.Steps : 0;
        return data is null
            ? FlowConfig.Toy(kind, spec, a.Get(Layers) ?? 16, a.Get(Hidden) ?? 64, a.Get(HiddenLayers), a.LearningRateOr(1e-3f), a.BatchOr(512), a.Seed,
                a.Get(ActNorm) ?? true, decay)
            : new FlowConfig(kind, spec, data.Channels, data.Height, data.Width, a.Get(Layers) ?? 8, a.Get(Hidden) ?? (conv ? 64 : 512), a.Get(HiddenLayers),
                a.Get(Mask), a.Get(ActNorm) ?? false, a.Get(Alpha), a.LearningRateOr(1e-4f), a.BatchOr(128), a.Seed, a.Get(Arch), a.Get(Scales), a.Get(Blocks), decay);
    }
}
