using System.CommandLine;
using System.Diagnostics;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train ddpm`: trains the 2-D diffusion model with a progress bar and checkpoints.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Command("train", "train a model (families: ddpm, classifier, vae, cvae, nice, realnvp, gan, cgan, pixelcnn)");
        train.Add(Ddpm());
        train.Add(TrainClassifier.Create());
        foreach (var command in TrainLatent.Create()) train.Add(command);
        train.Add(TrainGan.Create(conditional: false));
        train.Add(TrainGan.Create(conditional: true));
        train.Add(TrainPixelCnn.Create());
        return train;
    }

    private static Command Ddpm()
    {
        var o = new TrainDdpmOptions();
        var cmd = new Command("ddpm", "DDPM: on 2-D toy data (ε-MLP) or on images (UNet; fashion-mnist, idx:DIR, folder:DIR)");
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r =>
        {
            string spec = r.GetValue(o.Data)!;
            if (!ToyData.IsToy(spec)) return TrainDdpmImage.Run(r, o);
            foreach (var (option, what) in o.ImageOnly())
                if (r.GetResult(option) is { Implicit: false })
                    throw new CliError($"{option.Name} applies to image data only, not to the 2-D toy '{spec}'");
            string dir = r.GetValue(o.Output)!;
            int total = r.GetValue(o.Steps), n = r.GetValue(o.Samples) ?? 2000, k = r.GetValue(o.Every);
            CommonOptions.Positive(total, "--steps");
            CommonOptions.Positive(n, "--samples");
            if (k < 0) throw new CliError($"--checkpoint-every must be 0 or positive, got {k}");
            string final = Path.Combine(dir, "model.safetensors");
            string? resumeFrom = TrainDdpmOptions.ResumePath(r, o, final);
            if (File.Exists(final) && resumeFrom is null && !r.GetValue(o.Force))
                throw new CliError($"{final} already exists; pass --resume to continue it or --force to start over");
            Directory.CreateDirectory(dir);

            using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
            var config = new ToyDiffusionConfig(Data: ToyData.Canonical(spec), Hidden: r.GetValue(o.Hidden), HiddenLayers: r.GetValue(o.Layers),
                LearningRate: r.GetValue(o.LearningRate) ?? 1e-3f, Batch: r.GetValue(o.Batch) ?? 1024, Seed: r.GetValue(o.Seed),
                Schedule: r.GetValue(o.Schedule) ?? "linear", EmaDecay: r.GetValue(o.Ema) ?? 0.995f);
            using var run = resumeFrom is not null ? ToyDiffusion.Load(dev, resumeFrom) : ToyDiffusion.Create(dev, config);
            bool quietJson = r.GetValue(o.Json);
            Console.WriteLine($"training ddpm on {run.Config.Data} on {dev}: {run.Config}, {run.Model.ParameterCount():N0} parameters");
            if (!(r.GetValue(o.MaxSeconds) > 0)) throw new CliError($"--max-seconds must be positive, got {r.GetValue(o.MaxSeconds)}");
            var result = TrainLoop(run, total, k, dir, progress: true, seconds: r.GetValue(o.MaxSeconds));
            var summary = Finish(run, dir, n, r.GetValue(o.Seed), result);
            if (quietJson) Console.WriteLine(summary.Add("command", "train ddpm").Add("device", dev.Name).Add("data", run.Config.Data));
            return 0;
        });
        return cmd;
    }

    internal sealed record LoopResult(List<float> Losses, double Seconds, long StepsRun);

    /// <summary>Runs steps until the model has taken <paramref name="total"/> (or <paramref name="seconds"/> pass).</summary>
    internal static LoopResult TrainLoop(ToyDiffusion run, long total, int checkpointEvery, string dir, bool progress, double seconds = double.PositiveInfinity)
    {
        var losses = new List<float>();
        long start = run.Step;
        using var bar = new ProgressBar("train", total - start, progress);
        var clock = Stopwatch.StartNew();
        double smooth = double.NaN;
        while (run.Step < total && clock.Elapsed.TotalSeconds < seconds)
        {
            float loss = run.TrainStep();
            if (!float.IsFinite(loss)) throw new InvalidOperationException($"training diverged at step {run.Step}: loss is {loss}");
            losses.Add(loss);
            smooth = double.IsNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
            if (checkpointEvery > 0 && run.Step % checkpointEvery == 0)
                run.Save(Path.Combine(dir, $"step-{run.Step}.safetensors"));
            long done = run.Step - start;
            double elapsed = clock.Elapsed.TotalSeconds;
            double? byTime = double.IsFinite(seconds) ? Math.Max((double)done / (total - start), elapsed / seconds) : null;
            bar.Report(done, $"loss {smooth:F4}  {done / Math.Max(1e-9, elapsed):F0} steps/s  ETA {ProgressBar.Eta(elapsed, byTime ?? (double)done / (total - start))}", byTime);
        }
        return new LoopResult(losses, clock.Elapsed.TotalSeconds, run.Step - start);
    }

    /// <summary>Writes the final checkpoint and pictures, and returns the run's numbers.</summary>
    internal static JsonOut Finish(ToyDiffusion run, string dir, int n, ulong seed, LoopResult result)
    {
        string final = Path.Combine(dir, "model.safetensors");
        run.Save(final);
        var clock = Stopwatch.StartNew();
        var samples = run.Sample(n, seed);
        double sampleSeconds = clock.Elapsed.TotalSeconds;
        var data = run.DataSample(n, seed);
        double mmd = Mmd.Squared(samples, data, 2);
        Pictures.SamplesOverData(data, samples, $"ddpm on {run.Config.Data}, step {run.Step}").SavePng(Path.Combine(dir, "samples.png"));
        if (result.Losses.Count > 1)
        {
            Plot.LossCurve(result.Losses.ToArray(), title: "training loss (mse on eps)", logY: true, smoothing: 50).SavePng(Path.Combine(dir, "loss.png"));
            Npy.Write(Path.Combine(dir, "loss.npy"), result.Losses.ToArray(), [result.Losses.Count]);
        }
        double stepsPerSecond = result.StepsRun / Math.Max(1e-9, result.Seconds);
        float lastLoss = result.Losses.Count > 0 ? result.Losses.TakeLast(100).Average() : float.NaN;
        Console.WriteLine($"{result.StepsRun} steps in {result.Seconds:F1} s ({stepsPerSecond:F0} steps/s), loss {lastLoss:F4} (mean of the last 100), MMD² to data {mmd:F5}");
        Console.WriteLine($"wrote {final}, {Path.Combine(dir, "samples.png")}{(result.Losses.Count > 1 ? ", loss.png" : "")}");
        return new JsonOut()
            .Add("steps", run.Step)
            .Add("steps_run", result.StepsRun)
            .Add("seconds", result.Seconds)
            .Add("steps_per_s", stepsPerSecond)
            .Add("final_loss", lastLoss)
            .Add("mmd2", mmd)
            .Add("sample_seconds", sampleSeconds)
            .Add("checkpoint", final)
            .Add("samples_png", Path.Combine(dir, "samples.png"));
    }
}
