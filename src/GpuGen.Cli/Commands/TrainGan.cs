using System.CommandLine;
using System.Globalization;
using GpuGen.Data;
using GpuGen.Models.Gan;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen train gan` and `gpugen train cgan`: DCGAN on images (fashion-mnist, idx:DIR, folder:DIR) or an
/// MLP GAN on a 2-D toy (family "gan"); the options become a <see cref="GanConfig"/>, the steps are
/// <see cref="GanTraining"/>'s under <see cref="TrainRunner"/>.
/// </summary>
internal static class TrainGan
{
    public static Command Create(bool conditional)
    {
        var o = new TrainGanOptions(conditional);
        var cmd = new Command(conditional ? "cgan" : "gan", conditional
            ? "conditional GAN on labelled images: label embedding into G, projection D; --class at sampling"
            : "GAN: DCGAN on images (fashion-mnist, idx:DIR, folder:DIR) or an MLP GAN on a 2-D toy");
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r => Run(r, o, conditional));
        return cmd;
    }

    private static int Run(ParseResult r, TrainGanOptions o, bool conditional)
    {
        if (!r.GetValue(o.View) && r.GetValue(o.ViewScreenshot) is not null) throw new CliError("--view-screenshot needs --view");
        string spec = r.GetValue(o.Data)!;
        bool toy = ToyData.IsToy(spec);
        if (toy && conditional) throw new CliError($"train cgan needs labelled images; '{spec}' is a 2-D toy");
        Dataset? data = null;
        if (!toy)
        {
            data = TrainRunner.OpenData(spec);
            if (data.Channels != 1) throw new CliError($"--data {spec}: the DCGAN takes one-channel images, this data has {data.Channels} channels");
            if (conditional && !data.HasLabels) throw new CliError($"train cgan: {spec} has no labels (folder:DIR needs one sub-folder per class)");
        }
        int samples = o.SamplesOr(r, toy ? 2000 : conditional ? 100 : 64);
        ITrainingRun Open(Device dev, RunFolder.Found? resume)
        {
            var model = resume is not null ? Gan.Load(dev, resume.Path) : TrainRunner.Checked(() => Gan.Create(dev, NewConfig(r, o, spec, toy, data, conditional)));
            return TrainRunner.Wrap(model, resume, m => m.Conditional != conditional
                ? throw new ArgumentException($"that model is {(conditional ? "unconditional (train gan)" : "conditional (train cgan)")}")
                : new GanTraining(m, data, samples));
        }
        string command = conditional ? "cgan" : "gan";
        if (!r.GetValue(o.View)) return TrainRunner.Run(r, o, command, Open);
        ulong seed = r.GetValue(o.Seed);
        int every = r.GetValue(o.ViewEvery);
        return GanTrainView.Run(r, o, conditional, monitor => TrainRunner.Run(r, o, command, Open,
            run => _ => GanTrainView.Report(monitor, ((GanTraining)run).Model, ((GanTraining)run).Last, every, seed)));
    }

    private static GanConfig NewConfig(ParseResult r, TrainGanOptions o, string spec, bool toy, Dataset? data, bool conditional)
    {
        int classes = 0;
        if (conditional) classes = Math.Max(data!.ClassNames.Count, data.Labels.Length == 0 ? 0 : data.Labels.ToArray().Max() + 1);
        var config = new GanConfig
        {
            Data = toy ? ToyData.Canonical(spec) : spec,
            Architecture = toy ? "mlp" : "dcgan",
            Height = data?.Height ?? 28,
            Width = data?.Width ?? 28,
            Latent = r.GetValue(o.Latent) ?? (toy ? 8 : 64),
            Hidden = r.GetValue(o.Hidden),
            HiddenLayers = r.GetValue(o.Layers),
            GChannels = r.GetValue(o.GChannels),
            DChannels = r.GetValue(o.DChannels),
            Classes = classes,
            LearningRate = r.GetValue(o.LearningRate) ?? (toy ? 1e-3f : 2e-4f),
            Batch = r.GetValue(o.Batch) ?? (toy ? 256 : 64),
            Seed = r.GetValue(o.Seed),
            RealTarget = r.GetValue(o.RealTarget),
            SpectralNorm = r.GetValue(o.SpectralNorm),
            R1Gamma = r.GetValue(o.R1),
        };
        config.Validate();
        return config;
    }
}

/// <summary>The options of `gpugen train gan|cgan`.</summary>
internal sealed class TrainGanOptions(bool conditional) : TrainOptions(
    conditional ? "labelled images: fashion-mnist, idx:DIR, folder:DIR" : $"images (fashion-mnist, idx:DIR, folder:DIR) or a 2-D toy ({string.Join(", ", ToyData.Names)})",
    "fashion-mnist", steps: 5000, sampleEvery: 500,
    batch: "batch size (default 64 for images, 256 for toys)", lr: "Adam learning rate of both networks, β = (0.5, 0.999) (default 2e-4 for images, 1e-3 for toys)",
    samples: "samples per picture, all from one fixed z (default 64 images, 100 for cgan, 2000 points for toys)")
{
    public Option<int?> Latent { get; } = new("--latent") { Description = "dimension of z (default 64 for images, 8 for toys)" };
    public Option<int> Hidden { get; } = new("--hidden") { Description = "toys: MLP width", DefaultValueFactory = _ => 128 };
    public Option<int> Layers { get; } = new("--layers") { Description = "toys: hidden layers of each MLP", DefaultValueFactory = _ => 3 };
    public Option<int?> GChannels { get; } = new("--g-channels") { Description = "images: G's channels at H/4, halved at H/2 (default 128, dcgan_step's)" };
    public Option<int?> DChannels { get; } = new("--d-channels") { Description = "images: D's channels at H/2, doubled at H/4 (default 64, dcgan_step's)" };
    public Option<float> RealTarget { get; } = new("--label-smoothing", "--real-target") { Description = "one-sided label smoothing: D's target for real data (1 = off, 0.9 is usual)", DefaultValueFactory = _ => 1f };
    public Option<bool> SpectralNorm { get; } = new("--spectral-norm") { Description = "spectral normalization of D's weights" };
    public Option<float> R1 { get; } = new("--r1") { Description = "R1 penalty γ on real data (0 = off; toys only)", DefaultValueFactory = _ => 0f };
    public Option<bool> View { get; } = new("--view") { Description = "show G's samples from a fixed z and the D and G losses live in a window" };
    public Option<int> ViewEvery { get; } = new("--view-every") { Description = "with --view: new samples from the fixed z every K steps", DefaultValueFactory = _ => 25 };
    public Option<string?> ViewScreenshot { get; } = new("--view-screenshot") { Description = "with --view: save the window's last frame, when training ends, as a PNG" };

    protected override IEnumerable<Option> FamilyOptions() => [Latent, Hidden, Layers, GChannels, DChannels, RealTarget, SpectralNorm, R1, View, ViewEvery, ViewScreenshot];
}
