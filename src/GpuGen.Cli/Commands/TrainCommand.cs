using System.CommandLine;
using System.Diagnostics;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Diffusion;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen train ddpm`: trains the 2-D diffusion model with a progress bar and checkpoints.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Command("train", "train a model (families: ddpm, classifier)");
        train.Add(Ddpm());
        train.Add(TrainClassifier.Create());
        return train;
    }

    private static Command Ddpm()
    {
        var data = new Option<string>("--data") { Description = $"training data: {string.Join(", ", ToyData.Names)}", DefaultValueFactory = _ => "8gaussians" };
        var steps = new Option<int>("--steps") { Description = "total optimisation steps", DefaultValueFactory = _ => 3000 };
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--out", "-o") { Description = "run folder (model.safetensors, step-K.safetensors, samples.png, loss.png)", Required = true };
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 1024 };
        var lr = new Option<float>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3f };
        var hidden = new Option<int>("--hidden") { Description = "MLP width", DefaultValueFactory = _ => 128 };
        var layers = new Option<int>("--layers") { Description = "hidden layers", DefaultValueFactory = _ => 3 };
        var every = new Option<int>("--checkpoint-every") { Description = "also write DIR/step-K.safetensors every K steps (0: only at the end)", DefaultValueFactory = _ => 0 };
        var samples = new Option<int>("--samples") { Description = "points drawn for samples.png and the MMD", DefaultValueFactory = _ => 2000 };
        var resume = new Option<bool>("--resume") { Description = "continue DIR/model.safetensors up to --steps" };
        var force = new Option<bool>("--force") { Description = "start over even if DIR already holds a model" };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var cmd = new Command("ddpm", "DDPM on 2-D toy data (ε-prediction MLP, linear β schedule, T = 1000)")
        {
            data, steps, seed, output, batch, lr, hidden, layers, every, samples, resume, force, device, json,
        };
        cmd.SetAction(r =>
        {
            string dir = r.GetValue(output)!;
            int total = r.GetValue(steps), n = r.GetValue(samples), k = r.GetValue(every);
            CommonOptions.Positive(total, "--steps");
            CommonOptions.Positive(n, "--samples");
            if (k < 0) throw new CliError($"--checkpoint-every must be 0 or positive, got {k}");
            string final = Path.Combine(dir, "model.safetensors");
            bool exists = File.Exists(final);
            if (exists && !r.GetValue(resume) && !r.GetValue(force))
                throw new CliError($"{final} already exists; pass --resume to continue it or --force to start over");
            if (r.GetValue(resume) && !exists) throw new CliError($"--resume: there is no {final} to continue");
            Directory.CreateDirectory(dir);

            using var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            var config = new ToyDiffusionConfig(Data: ToyData.Canonical(r.GetValue(data)!), Hidden: r.GetValue(hidden), HiddenLayers: r.GetValue(layers),
                LearningRate: r.GetValue(lr), Batch: r.GetValue(batch), Seed: r.GetValue(seed));
            using var run = r.GetValue(resume) ? ToyDiffusion.Load(dev, final) : ToyDiffusion.Create(dev, config);
            bool quietJson = r.GetValue(json);
            Console.WriteLine($"training ddpm on {run.Config.Data} on {dev}: {run.Config}, {run.Model.ParameterCount():N0} parameters");
            var result = TrainLoop(run, total, k, dir, progress: true);
            var summary = Finish(run, dir, n, r.GetValue(seed), result);
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
            bar.Report(done, $"loss {smooth:F4}  {done / Math.Max(1e-9, elapsed):F0} steps/s", byTime);
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
