using System.CommandLine;
using System.Globalization;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Flows;
using GpuGen.Models.Vae;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>The VAE and flow families' models for `gpugen train`: a new one from the options, or the checkpoint to resume.</summary>
internal static class LatentTrainer
{
    /// <summary>A VAE or CVAE on images: a new one from the options, or the checkpoint to resume.</summary>
    public static ITrainingRun Vae(ParseResult r, TrainLatentOptions o, string kind, Device dev, RunFolder.Found? resume)
    {
        string spec = DataSpec.Canonical(r.GetValue(o.Data)!);
        if (ToyData.IsToy(spec)) throw new CliError($"--data {spec}: {kind} models images; the 2-D toys are for flows and ddpm");
        var data = TrainRunner.OpenData(spec);
        bool conditional = kind == "cvae";
        int classes = 10;
        if (conditional)
        {
            if (!data.HasLabels) throw new CliError($"--data {spec}: a CVAE needs labels (folder:DIR needs one sub-folder per class)");
            classes = Math.Max(data.ClassNames.Count, data.Labels.ToArray().Max() + 1);
        }
        Vae run;
        if (resume is not null)
        {
            run = GpuGen.Models.Vae.Vae.Load(dev, resume.Path);
            var c = run.Config;
            string? problem = c.Family != kind ? $"holds a {c.Family}, not a {kind}"
                : c.Channels != data.Channels || c.Height != data.Height || c.Width != data.Width
                    ? $"takes {c.Channels}×{c.Height}×{c.Width} images, the data has {data.Channels}×{data.Height}×{data.Width}"
                    : conditional && c.Classes < classes ? $"knows {c.Classes} classes, the data has {classes}" : null;
            if (problem is not null)
            {
                run.Dispose();
                throw new CliError($"--resume {resume.Path}: the model {problem}");
            }
        }
        else
        {
            var config = new VaeConfig(conditional, r.GetValue(o.Arch)!, spec, data.Channels, data.Height, data.Width, classes,
                r.GetValue(o.Latent), r.GetValue(o.Likelihood)!, r.GetValue(o.GaussianStd), r.GetValue(o.LearningRate) ?? 1e-3f,
                r.GetValue(o.Batch) ?? 128, r.GetValue(o.Seed), r.GetValue(o.VaeHidden));
            run = TrainRunner.Checked(() => GpuGen.Models.Vae.Vae.Create(dev, config));
        }
        return TrainRunner.Wrap(run, resume, m => new VaeTraining(m, data, o.SamplesOr(r, 100)));
    }

    /// <summary>A NICE or RealNVP flow on images or a 2-D toy: a new one from the options, or the checkpoint to resume.</summary>
    public static ITrainingRun Flow(ParseResult r, TrainLatentOptions o, string kind, Device dev, RunFolder.Found? resume)
    {
        string spec = DataSpec.Canonical(r.GetValue(o.Data)!);
        bool toy = ToyData.IsToy(spec);
        if (toy)
        {
            spec = ToyData.Canonical(spec);
            foreach (Option option in new Option[] { o.Mask, o.Alpha })
                if (r.GetResult(option) is { Implicit: false })
                    throw new CliError($"{option.Name} applies to image data only, not to the 2-D toy '{spec}'");
        }
        string arch = r.GetValue(o.FlowArch)!;
        bool conv = arch == FlowConfig.Conv;
        if (conv && (toy || kind != FlowConfig.RealNvp))
            throw new CliError($"--arch conv is RealNVP's multi-scale architecture for images, not for {kind} on {spec}");
        foreach (Option option in conv ? new Option[] { o.Layers, o.HiddenLayers, o.Mask } : [o.Scales, o.Blocks])
            if (r.GetResult(option) is { Implicit: false })
                throw new CliError($"{option.Name} does not apply to --arch {arch}");
        var data = toy ? null : TrainRunner.OpenData(spec);
        Flow run;
        if (resume is not null)
        {
            var peek = GpuGen.Models.Flows.Flow.Load(dev, resume.Path);
            var c = peek.Config;
            peek.Dispose();
            if (c.Kind != kind) throw new CliError($"--resume {resume.Path}: the model is a {c.Kind}, not a {kind}");
            if (c.IsToy != toy || (toy && c.Data != spec) || (data is not null && data.ExampleSize != c.Dim))
                throw new CliError($"--resume {resume.Path}: the model was trained on {c.Data} ({c.Channels}×{c.Height}×{c.Width}), not on {spec}");
            run = GpuGen.Models.Flows.Flow.Load(dev, resume.Path, data);
        }
        else
        {
            int decay = (r.GetValue(o.LrDecay) ?? (toy ? "cosine" : "constant")) == "cosine" ? r.GetValue(o.Steps) : 0;
            var config = toy
                ? FlowConfig.Toy(kind, spec, r.GetValue(o.Layers) ?? 16, r.GetValue(o.Hidden) ?? 64, r.GetValue(o.HiddenLayers),
                    r.GetValue(o.LearningRate) ?? 1e-3f, r.GetValue(o.Batch) ?? 512, r.GetValue(o.Seed), r.GetValue(o.ActNorm) ?? true, decay)
                : new FlowConfig(kind, spec, data!.Channels, data.Height, data.Width, r.GetValue(o.Layers) ?? 8, r.GetValue(o.Hidden) ?? (conv ? 64 : 512),
                    r.GetValue(o.HiddenLayers), r.GetValue(o.Mask)!, r.GetValue(o.ActNorm) ?? false, r.GetValue(o.Alpha),
                    r.GetValue(o.LearningRate) ?? 1e-4f, r.GetValue(o.Batch) ?? 128, r.GetValue(o.Seed), arch, r.GetValue(o.Scales), r.GetValue(o.Blocks), decay);
            run = TrainRunner.Checked(() => GpuGen.Models.Flows.Flow.Create(dev, config, data));
        }
        float temperature = r.GetValue(o.Temperature) ?? (toy ? 1f : 0.8f);
        if (!(temperature >= 0)) throw new CliError($"--temperature must be 0 or positive, got {temperature}");
        return new FlowTraining(run, o.SamplesOr(r, toy ? 2000 : 100), temperature);
    }
}
