using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.Data;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Viewer;
using GpuGen.Viewer.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen demo` on images: trains a small class-conditional diffusion model on Fashion-MNIST for
/// --seconds (or loads --checkpoint), showing the training in the window, then opens the sampling
/// window. With no display it trains with a progress bar and writes the frames it would have shown.
/// </summary>
internal static class DemoImage
{
    public static int Run(ParseResult r, ViewOptions view, string spec, string? checkpoint, double seconds, int maxSteps)
    {
        string dir = r.GetValue(view.Output) ?? "runs/demo";
        Directory.CreateDirectory(dir);
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
            return ViewCommand.Show(r, view, model, title, dev.Name, headlessWhenNoDisplay: true, command: "demo");
        }
    }

    private static ImageDiffusion Train(ParseResult r, ViewOptions view, Device dev, string spec, string dir, double seconds, int maxSteps)
    {
        Dataset data;
        try
        {
            data = Dataset.Open(spec);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            throw new CliError($"--data {spec}: {e.Message}");
        }
        // Small enough to learn shapes within a minute on two cores: a 16/32/32 UNet, batch 32.
        var config = new ImageDiffusionConfig
        {
            Data = spec,
            ImageChannels = data.Channels,
            Height = data.Height,
            Width = data.Width,
            Channels = [16, 32, 32],
            TimeDim = 64,
            Classes = data.HasLabels ? Math.Max(data.ClassNames.Count, data.Labels.ToArray().Max() + 1) : 0,
            LearningRate = 1e-3f,
            Batch = 32,
            Seed = r.GetValue(view.Seed),
            EmaDecay = 0.995f,
        };
        var model = ImageDiffusion.Create(dev, config);
        Console.WriteLine($"GpuGen demo: DDPM on {data}, {model.Net.ParameterCount():N0} parameters, on {dev}; training for up to {seconds:F0} s ...");
        try
        {
            using var loader = new DataLoader(data, dev, new DataLoaderOptions { BatchSize = config.Batch, Seed = config.Seed });
            int Loop(TrainingMonitor? monitor)
            {
                var clock = Stopwatch.StartNew();
                double smooth = double.NaN;
                using var bar = new ProgressBar("train", maxSteps);
                while (model.Step < maxSteps && clock.Elapsed.TotalSeconds < seconds)
                {
                    float loss;
                    using (dev.Step())
                    {
                        var batch = loader.Next();
                        loss = model.TrainStep(batch.Images, model.Conditional ? batch.Indices.Select(i => data.Labels[i]).ToArray() : null);
                    }
                    if (!float.IsFinite(loss)) throw new InvalidOperationException($"training diverged at step {model.Step}: loss is {loss}");
                    if (monitor is not null) TrainView.Report(monitor, model, loss, 100, config.Seed);
                    smooth = double.IsNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
                    double elapsed = clock.Elapsed.TotalSeconds;
                    bar.Report(model.Step, string.Create(CultureInfo.InvariantCulture, $"loss {smooth:F4}  {model.Step / Math.Max(1e-9, elapsed):F2} steps/s"),
                        Math.Max((double)model.Step / maxSteps, elapsed / seconds));
                }
                return 0;
            }
            bool window = r.GetValue(view.Headless) is null && ViewerSurface.WindowUnavailable() is null;
            if (window)
            {
                using var surface = ViewerSurface.Open(r.GetValue(view.Width), r.GetValue(view.Height), $"GpuGen — demo: training ddpm on {spec}");
                var monitor = new TrainingMonitor(maxSteps, $"demo: training ddpm on {spec}");
                TrainingViewer.Run(surface, monitor, () => Loop(monitor));
            }
            else
            {
                Loop(null);
            }
            string path = Path.Combine(dir, "model.safetensors");
            model.Save(path);
            Console.WriteLine($"{model.Step} steps; wrote {path} (watch it again with gpugen view {path})");
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
