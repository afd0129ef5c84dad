using System.CommandLine;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Training;
using GpuGen.Viewer;
using GpuGen.Viewer.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen demo` on images: opens the sampling window at once on the trained model shipped in
/// models/ (Fashion-MNIST, class-conditional; a column per class, a new seed each chain), or on
/// --checkpoint. With --train, or when the shipped file is missing (a partial checkout), it trains
/// a small class-conditional model for --seconds, showing the training in the window, and then
/// samples it. With no display it writes the frames it would have shown.
/// </summary>
internal static class DemoImage
{
    /// <summary>The shipped model, relative to the repository root.</summary>
    public const string ShippedModel = "models/ddpm-fashion-mnist.safetensors";

    public static int Run(ParseResult r, ViewOptions view, string spec, string? checkpoint, bool train, double seconds, int maxSteps)
    {
        string dir = r.GetValue(view.Output) ?? "runs/demo";
        Directory.CreateDirectory(dir);
        if (checkpoint is null && !train && spec == "fashion-mnist")
        {
            checkpoint = FindShipped();
            if (checkpoint is null) Console.WriteLine($"no trained model at {ShippedModel}: training a small one for {seconds:F0} s instead (as with --train)");
        }
        using var dev = CommonOptions.OpenDevice(r.GetValue(view.Device)!);
        ImageDiffusion model;
        if (checkpoint is not null)
        {
            model = ImageDiffusion.Load(dev, checkpoint);
            Console.WriteLine($"GpuGen demo: {checkpoint} ({model.Config.Data}, step {model.Step}) on {dev}");
        }
        else
        {
            model = Train(r, view, dev, spec, dir, seconds, maxSteps);
        }
        using (model)
        {
            string title = checkpoint is null ? $"demo: ddpm on {spec}, {model.Step} steps" : $"{Path.GetFileName(checkpoint)} (step {model.Step})";
            // Four images per class (a column each) unless --n says otherwise: the whole chain of a
            // conditional model in about half the time of the viewer's 64.
            int? n = model.Conditional ? 4 * model.Config.Classes : null;
            var request = ViewCommand.Request(r, view);
            var live = ImageDiffusionModel.ChainView(model, request.N is null && n is not null ? request with { N = n } : request);
            return ViewCommand.Show(r, view, live, title, ImageDiffusion.Family, dev.Name, headlessWhenNoDisplay: true, command: "demo");
        }
    }

    /// <summary>
    /// models/… under the working directory (./gpugen runs from the repository root), else beside the
    /// build (./gpugen builds into .gpugen/cli, two levels below the root); null when neither has it.
    /// </summary>
    private static string? FindShipped()
    {
        string[] roots = [Directory.GetCurrentDirectory(), Path.Combine(AppContext.BaseDirectory, "..", "..")];
        return roots.Select(root => Path.GetFullPath(Path.Combine(root, ShippedModel))).FirstOrDefault(File.Exists);
    }

    private static ImageDiffusion Train(ParseResult r, ViewOptions view, Device dev, string spec, string dir, double seconds, int maxSteps)
    {
        var data = TrainingSetup.OpenData(spec);
        // Small enough to learn shapes within a minute on two cores: a 16/32/32 UNet, batch 32.
        var config = new ImageDiffusionConfig
        {
            Data = spec,
            ImageChannels = data.Channels,
            Height = data.Height,
            Width = data.Width,
            Channels = [16, 32, 32],
            TimeDim = 64,
            Classes = data.ClassCount,
            LearningRate = 1e-3f,
            Batch = 32,
            Seed = r.GetValue(view.Seed),
            EmaDecay = 0.995f,
        };
        var model = ImageDiffusion.Create(dev, config);
        Console.WriteLine($"GpuGen demo: DDPM on {data}, {model.Net.ParameterCount():N0} parameters, on {dev}; training for up to {seconds:F0} s ...");
        var options = new TrainingOptions(dir, maxSteps, seconds, PictureSeed: config.Seed);
        TrainingResult result;
        using (var run = new ImageDiffusionTraining(model, data, gridImages: 16, sampleSteps: 20))
        {
            bool window = r.GetValue(view.Headless) is null && ViewerSurface.WindowUnavailable() is null;
            if (window)
            {
                using var surface = ViewerSurface.Open(r.GetValue(view.Width), r.GetValue(view.Height), $"GpuGen — demo: training ddpm on {spec}");
                var monitor = new TrainingMonitor(maxSteps, $"demo: training ddpm on {spec}");
                result = TrainingViewer.Run(surface, monitor, () => TrainRunner.Drive(run, options, TrainView.Watch(monitor, run, 100, config.Seed))).Result;
            }
            else
            {
                result = TrainRunner.Drive(run, options);
            }
        }
        Console.WriteLine($"{result.Step} steps; wrote {options.FinalCheckpoint} (watch it again with gpugen view {options.FinalCheckpoint})");
        return ImageDiffusion.Load(dev, options.FinalCheckpoint);
    }
}
