using GpuGen.Data;
using GpuGen.Training;

namespace GpuGen.Models.PixelCnn;

/// <summary>`gpugen train pixelcnn`: the autoregressive PixelCNN on 8-bit one-channel images.</summary>
public static class PixelCnnRecipe
{
    public static TrainParameter<int> Channels { get; } = new("--channels", "feature channels of every layer", 64);
    public static TrainParameter<int> Layers { get; } = new("--layers", "residual mask-B 3×3 layers", 5);
    public static TrainParameter<bool> Cond { get; } = new("--cond", "class-conditional: a learned per-class bias in every layer (needs labels)");

    public static TrainingRecipe Recipe { get; } = new()
    {
        Command = "pixelcnn",
        Description = "PixelCNN on one-channel images (fashion-mnist, idx:DIR, folder:DIR): 256-way softmax per pixel",
        DataHelp = "one-channel images: fashion-mnist, idx:DIR, folder:DIR",
        BatchHelp = "batch size (default 32)",
        LearningRateHelp = "Adam learning rate (default 1e-3)",
        SamplesHelp = "images in each sample grid, drawn pixel by pixel (default 16)",
        Parameters = [Channels, Layers, Cond],
        LiveView = new("show the loss curve, steps/s and samples live in a window",
            "with --view: new samples (4, or one per class; each a pass of the network per pixel) every K steps", 200),
        Prepare = Prepare,
    };

    private static OpenTraining Prepare(TrainArguments a)
    {
        string spec = a.Data;
        var data = TrainingSetup.OpenData(spec);
        if (data.Channels != 1) throw new TrainArgumentException($"--data {spec}: PixelCNN here models one-channel images, this data has {data.Channels} channels");
        bool cond = a.Get(Cond);
        if (cond && !data.HasLabels) throw new TrainArgumentException($"--cond: {spec} has no labels (folder:DIR needs one sub-folder per class)");
        int grid = a.SamplesOr(16);
        return (device, resume) =>
        {
            var model = resume is not null ? PixelCnn.Load(device, resume.Path) : TrainingSetup.Checked(() => PixelCnn.Create(device, NewConfig(a, data, cond)));
            return TrainingSetup.Wrap(model, resume, m => new PixelCnnTraining(m, data, grid));
        };
    }

    private static PixelCnnConfig NewConfig(TrainArguments a, Dataset data, bool cond)
    {
        var config = new PixelCnnConfig
        {
            Data = a.Data,
            Height = data.Height,
            Width = data.Width,
            Channels = a.Get(Channels),
            ResidualLayers = a.Get(Layers),
            Classes = cond ? data.ClassCount : 0,
            LearningRate = a.LearningRateOr(1e-3f),
            Batch = a.BatchOr(32),
            Seed = a.Seed,
        };
        config.Validate();
        return config;
    }
}
