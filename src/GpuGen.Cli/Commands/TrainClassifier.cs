using System.CommandLine;
using GpuGen.Cli.Commands.Families;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Classifier;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen train classifier`: the small CNN whose features the Fréchet distances of `gpugen eval` use,
/// trained on a labelled dataset with a progress bar; prints the test accuracy where the data has a
/// test split.
/// </summary>
internal static class TrainClassifier
{
    public static Command Create()
    {
        var defaults = new ClassifierConfig();
        var data = new Option<string>("--data") { Description = "labelled training images: fashion-mnist, idx:DIR or folder:DIR", DefaultValueFactory = _ => "fashion-mnist" };
        var steps = new Option<int>("--steps") { Description = "optimisation steps (the default reaches ≥ 92% test accuracy on Fashion-MNIST)", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => defaults.Batch };
        var lr = new Option<float>("--lr") { Description = "Adam's initial learning rate (decays to 0 on a cosine)", DefaultValueFactory = _ => defaults.LearningRate };
        var noFlip = new Option<bool>("--no-flip") { Description = "do not add left–right mirror images to the training data" };
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--out", "-o") { Description = "run folder (model.safetensors, loss.png, loss.npy)", Required = true };
        var force = new Option<bool>("--force") { Description = "replace a model already in the run folder" };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var cmd = new Command("classifier", "the CNN classifier whose features the Fréchet distances use")
        {
            data, steps, batch, lr, noFlip, seed, output, force, device, json,
        };
        cmd.SetAction(r =>
        {
            string dir = r.GetValue(output)!;
            int total = r.GetValue(steps);
            CommonOptions.Positive(total, "--steps");
            if (r.GetValue(batch) < 2) throw new CliError($"--batch must be at least 2 (batch normalization), got {r.GetValue(batch)}");
            string final = Path.Combine(dir, "model.safetensors");
            if (File.Exists(final) && !r.GetValue(force))
                throw new CliError($"{final} already exists; pass --force to replace it");
            string spec = Canonical(r.GetValue(data)!);
            var train = Dataset.Open(spec);
            var test = OpenTest(spec);
            CommonOptions.OutputPath(final, "--out");

            using var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            var recipe = new ClassifierConfig(LearningRate: r.GetValue(lr), Batch: r.GetValue(batch), Steps: total,
                Seed: r.GetValue(seed), FlipAugment: !r.GetValue(noFlip));
            var config = ClassifierCache.ConfigFor(train, recipe) with { Data = spec };
            using var clf = ImageClassifier.Create(dev, config);
            Console.WriteLine($"training a classifier on {train} on {dev}: {config}, {clf.Net.ParameterCount():N0} parameters");
            var losses = new List<float>();
            double seconds = 0, trainAccuracy = double.NaN;
            using (var bar = new ProgressBar("train", total))
            {
                clf.Train(train, p =>
                {
                    losses.Add((float)p.Loss);
                    seconds = p.Seconds;
                    trainAccuracy = p.Accuracy;
                    bar.Report(p.Step, Status(p));
                });
            }
            clf.Save(final);
            if (losses.Count > 1)
            {
                Plot.LossCurve(losses.ToArray(), title: "classifier training loss (cross-entropy, smoothed)", logY: true).SavePng(Path.Combine(dir, "loss.png"));
                Npy.Write(Path.Combine(dir, "loss.npy"), losses.ToArray(), [losses.Count]);
            }
            var evaluation = test is null ? null : clf.Evaluate(test);
            double stepsPerSecond = total / Math.Max(1e-9, seconds);
            Console.WriteLine($"{total} steps in {seconds:F1} s ({stepsPerSecond:F2} steps/s); training-batch accuracy {trainAccuracy:P1} (moving average)");
            if (evaluation is not null) ClassifierReport.Print(evaluation, test!);
            else Console.WriteLine($"{spec} has no test split; no test accuracy");
            Console.WriteLine($"wrote {final}");
            if (r.GetValue(json))
            {
                var o = new JsonOut().Add("command", "train classifier").Add("data", spec).Add("steps", clf.Step).Add("seconds", seconds)
                    .Add("steps_per_s", stepsPerSecond).Add("train_accuracy", trainAccuracy)
                    .Add("final_loss", losses.Count > 0 ? losses[^1] : double.NaN).Add("device", dev.Name).Add("checkpoint", final);
                if (evaluation is not null) ClassifierReport.AddTo(o, evaluation, test!);
                else o.Add("test_accuracy", double.NaN);
                Console.WriteLine(o);
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>The progress line: smoothed loss and batch accuracy, speed and the time left.</summary>
    internal static string Status(ClassifierProgress p)
    {
        double rate = p.Step / Math.Max(1e-9, p.Seconds);
        var eta = TimeSpan.FromSeconds(Math.Round((p.TotalSteps - p.Step) / Math.Max(1e-9, rate)));
        return $"loss {p.Loss:F4}  acc {p.Accuracy:P1}  {rate:F1} steps/s  ETA {eta:hh\\:mm\\:ss}";
    }

    /// <summary>idx:DIR and folder:DIR with DIR made absolute, so a checkpoint's data can be found from any folder.</summary>
    internal static string Canonical(string spec)
    {
        foreach (string prefix in new[] { "idx:", "folder:" })
            if (spec.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && spec.Length > prefix.Length)
                return prefix + Path.GetFullPath(spec[prefix.Length..]);
        return spec;
    }

    /// <summary>The test split of fashion-mnist or idx:DIR, or null for data without one (folders, an idx folder without t10k files).</summary>
    internal static Dataset? OpenTest(string spec)
    {
        if (spec.StartsWith("folder:", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            return Dataset.Open(spec, new DatasetOptions { Split = DatasetSplit.Test });
        }
        catch (FileNotFoundException) when (spec.StartsWith("idx:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }
}
