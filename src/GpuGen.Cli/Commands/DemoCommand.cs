using System.CommandLine;
using GpuGen.Data;
using GpuGen.Models.Diffusion;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen demo`: the main job. On images (the default, Fashion-MNIST) it opens the viewer window on
/// the shipped diffusion model (models/, see <see cref="DemoImage"/>), or on --checkpoint, or with
/// --train on a small model it trains for about a minute first (frames on disk when there is no
/// display). On a 2-D toy (--data 8gaussians …) it trains
/// for about a minute, then writes the samples over the data, the reverse chain and the loss curve.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var seconds = new Option<double>("--seconds") { Description = "training time budget", DefaultValueFactory = _ => 60 };
        var maxSteps = new Option<int>("--max-steps") { Description = "stop earlier after this many steps", DefaultValueFactory = _ => 20000 };
        var data = new Option<string>("--data") { Description = $"fashion-mnist, idx:DIR, folder:DIR (the viewer window), or a 2-D toy: {string.Join(", ", ToyData.Names)}", DefaultValueFactory = _ => "fashion-mnist" };
        var output = new Option<string>("--out", "-o") { Description = "where the pictures (and the demo's checkpoint) go", DefaultValueFactory = _ => "runs/demo" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = $"images: show this ddpm-image checkpoint (default: the shipped {DemoImage.ShippedModel})" };
        var train = new Option<bool>("--train") { Description = "images: train a small model for --seconds first, then show it (instead of the shipped model)" };
        var view = new ViewOptions { Output = output };
        var seed = view.Seed;
        var device = view.Device;
        var json = view.Json;
        var cmd = new Command("demo", "show the shipped diffusion model sampling, live (--train: train one for about a minute first; 2-D toys: train and draw)") { seconds, maxSteps, data, output, checkpoint, train };
        foreach (var option in view.Options()) cmd.Add(option);
        cmd.SetAction(r =>
        {
            if (!ToyData.IsToy(r.GetValue(data)!) || r.GetValue(checkpoint) is not null)
            {
                double s = r.GetValue(seconds);
                if (!(s > 0)) throw new CliError($"--seconds must be positive, got {s}");
                CommonOptions.Positive(r.GetValue(maxSteps), "--max-steps");
                if (r.GetValue(train) && r.GetValue(checkpoint) is not null) throw new CliError("--train and --checkpoint: pick one (train a new model, or show a saved one)");
                return DemoImage.Run(r, view, r.GetValue(data)!, r.GetValue(checkpoint), r.GetValue(train), s, r.GetValue(maxSteps));
            }
            string dir = r.GetValue(output)!;
            double budget = r.GetValue(seconds);
            if (!(budget > 0)) throw new CliError($"--seconds must be positive, got {budget}");
            CommonOptions.Positive(r.GetValue(maxSteps), "--max-steps");
            Directory.CreateDirectory(dir);
            using var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            var config = new ToyDiffusionConfig(Data: ToyData.Canonical(r.GetValue(data)!), Seed: r.GetValue(seed));
            using var training = new ToyDiffusionTraining(ToyDiffusion.Create(dev, config), 2000);
            var run = training.Model;
            Console.WriteLine($"GpuGen demo: DDPM on {config.Data}, {run.Model.ParameterCount():N0} parameters, on {dev}");
            Console.WriteLine($"training for up to {budget:F0} s ...");
            var result = TrainRunner.Drive(training, new TrainingOptions(dir, r.GetValue(maxSteps), budget, PictureSeed: r.GetValue(seed)));
            var summary = TrainRunner.Report(training, result, "demo", r.GetValue(seed));

            var scheduler = new DdpmScheduler(run.Schedule);
            var (observer, frames) = DiffusionPictures.ChainRecorder(scheduler);
            run.Sample(1000, r.GetValue(seed) + 1, observer: observer);
            string chainPath = Path.Combine(dir, "chain.png");
            DiffusionPictures.Chain(frames, run.DataSample(1000, r.GetValue(seed) + 1)).SavePng(chainPath);
            Console.WriteLine($"wrote {chainPath} (the reverse chain) and {Path.Combine(dir, "loss.png")}");
            if (r.GetValue(json)) Console.WriteLine(summary.Add("chain_png", chainPath).Add("device", dev.Name));
            return 0;
        });
        return cmd;
    }
}
