using System.CommandLine;
using GpuGen.Data;
using GpuGen.Models.PixelCnn;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train pixelcnn`: the autoregressive PixelCNN on 8-bit one-channel images (family "pixelcnn").</summary>
internal static class TrainPixelCnn
{
    public static Command Create()
    {
        var o = new TrainPixelCnnOptions();
        var cmd = new Command("pixelcnn", "PixelCNN on one-channel images (fashion-mnist, idx:DIR, folder:DIR): 256-way softmax per pixel");
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r => Run(r, o));
        return cmd;
    }

    private static int Run(ParseResult r, TrainPixelCnnOptions o)
    {
        string spec = r.GetValue(o.Data)!;
        var data = TrainRunner.OpenData(spec);
        if (data.Channels != 1) throw new CliError($"--data {spec}: PixelCNN here models one-channel images, this data has {data.Channels} channels");
        bool cond = r.GetValue(o.Cond);
        if (cond && !data.HasLabels) throw new CliError($"--cond: {spec} has no labels (folder:DIR needs one sub-folder per class)");
        int grid = o.SamplesOr(r, 16);
        return TrainRunner.Run(r, o, "pixelcnn", (dev, resume) =>
        {
            var model = resume is not null ? PixelCnn.Load(dev, resume.Path) : TrainRunner.Checked(() => PixelCnn.Create(dev, NewConfig(r, o, data, spec, cond)));
            return TrainRunner.Wrap(model, resume, m => new PixelCnnTraining(m, data, grid));
        });
    }

    private static PixelCnnConfig NewConfig(ParseResult r, TrainPixelCnnOptions o, Dataset data, string spec, bool cond)
    {
        var config = new PixelCnnConfig
        {
            Data = spec,
            Height = data.Height,
            Width = data.Width,
            Channels = r.GetValue(o.Channels),
            ResidualLayers = r.GetValue(o.Layers),
            Classes = cond ? Math.Max(data.ClassNames.Count, data.Labels.Length == 0 ? 0 : data.Labels.ToArray().Max() + 1) : 0,
            LearningRate = r.GetValue(o.LearningRate) ?? 1e-3f,
            Batch = r.GetValue(o.Batch) ?? 32,
            Seed = r.GetValue(o.Seed),
        };
        config.Validate();
        return config;
    }
}

/// <summary>The options of `gpugen train pixelcnn`.</summary>
internal sealed class TrainPixelCnnOptions() : TrainOptions("one-channel images: fashion-mnist, idx:DIR, folder:DIR", "fashion-mnist", steps: 5000, sampleEvery: 0,
    batch: "batch size (default 32)", lr: "Adam learning rate (default 1e-3)", samples: "images in each sample grid, drawn pixel by pixel (default 16)")
{
    public Option<int> Channels { get; } = new("--channels") { Description = "feature channels of every layer", DefaultValueFactory = _ => 64 };
    public Option<int> Layers { get; } = new("--layers") { Description = "residual mask-B 3×3 layers", DefaultValueFactory = _ => 5 };
    public Option<bool> Cond { get; } = new("--cond") { Description = "class-conditional: a learned per-class bias in every layer (needs labels)" };

    protected override IEnumerable<Option> FamilyOptions() => [Channels, Layers, Cond];
}
