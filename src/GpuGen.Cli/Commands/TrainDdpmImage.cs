using System.CommandLine;
using System.Globalization;
using GpuGen.Data;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train ddpm --data fashion-mnist|idx:DIR|folder:DIR`: the image diffusion model (family "ddpm-image").</summary>
internal static class TrainDdpmImage
{
    /// <summary>A new model from the options, or the checkpoint to resume, over <paramref name="data"/>.</summary>
    public static ITrainingRun Open(ParseResult r, TrainDdpmOptions o, Dataset data, Device dev, RunFolder.Found? resume)
    {
        int grid = o.SamplesOr(r, 64);
        CommonOptions.Positive(r.GetValue(o.SampleSteps), "--sample-steps");
        var model = resume is not null ? ImageDiffusion.Load(dev, resume.Path) : TrainRunner.Checked(() => ImageDiffusion.Create(dev, NewConfig(r, o, data, r.GetValue(o.Data)!)));
        return TrainRunner.Wrap(model, resume, m => new ImageDiffusionTraining(m, data, grid, r.GetValue(o.SampleSteps)));
    }

    private static ImageDiffusionConfig NewConfig(ParseResult r, TrainDdpmOptions o, Dataset data, string spec)
    {
        int[] channels;
        try
        {
            channels = r.GetValue(o.Channels)!.Split(',', StringSplitOptions.TrimEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new CliError($"--channels must be comma-separated numbers like 32,64,64, got '{r.GetValue(o.Channels)}'");
        }
        int classes = 0;
        if (r.GetValue(o.Cond))
        {
            if (!data.HasLabels) throw new CliError($"--cond: {spec} has no labels (folder:DIR needs one sub-folder per class)");
            classes = Math.Max(data.ClassNames.Count, data.Labels.Length == 0 ? 0 : data.Labels.ToArray().Max() + 1);
        }
        var config = new ImageDiffusionConfig
        {
            Data = spec,
            ImageChannels = data.Channels,
            Height = data.Height,
            Width = data.Width,
            Channels = channels,
            BlocksPerLevel = r.GetValue(o.Blocks),
            TimeDim = r.GetValue(o.TimeDim),
            Attention = r.GetValue(o.Attention),
            Classes = classes,
            PUncond = r.GetValue(o.PUncond),
            Schedule = r.GetValue(o.Schedule) ?? "cosine",
            Timesteps = r.GetValue(o.Timesteps),
            Prediction = Prediction.Parse(r.GetValue(o.Prediction)!),
            LearningRate = r.GetValue(o.LearningRate) ?? 2e-4f,
            Batch = r.GetValue(o.Batch) ?? 128,
            Seed = r.GetValue(o.Seed),
            EmaDecay = r.GetValue(o.Ema) ?? 0.9999f,
        };
        config.Validate();
        return config;
    }
}
