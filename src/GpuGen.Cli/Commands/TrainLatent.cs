using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GpuGen.IO;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen train vae|cvae|nice|realnvp`: the latent-variable and exact-likelihood families, with a
/// progress bar, checkpoints, sample grids (or, for flows on 2-D toys, the density heat map beside
/// samples) and a loss curve. <see cref="LatentTrainer"/> holds what differs between the families.
/// </summary>
internal static class TrainLatent
{
    public static IEnumerable<Command> Create() =>
    [
        Make("vae", "VAE (Bernoulli or Gaussian decoder; MLP or conv) on fashion-mnist, idx:DIR or folder:DIR"),
        Make("cvae", "conditional VAE: a learned prior mean per class, the label into the decoder (needs labels)"),
        Make("nice", "NICE: additive couplings and a diagonal scaling, on images or 2-D toys"),
        Make("realnvp", "RealNVP: affine couplings (checkerboard or channel masks), on images or 2-D toys"),
    ];

    private static Command Make(string kind, string description)
    {
        var o = new TrainLatentOptions(flow: kind is "nice" or "realnvp");
        var cmd = new Command(kind, description);
        foreach (var option in o.Options()) cmd.Add(option);
        cmd.SetAction(r => Run(r, o, kind));
        return cmd;
    }

    private static int Run(ParseResult r, TrainLatentOptions o, string kind)
    {
        string dir = r.GetValue(o.Output)!;
        int total = r.GetValue(o.Steps), every = r.GetValue(o.Every), sampleEvery = r.GetValue(o.SampleEvery);
        CommonOptions.Positive(total, "--steps");
        if (every < 0) throw new CliError($"--checkpoint-every must be 0 or positive, got {every}");
        if (sampleEvery < 0) throw new CliError($"--sample-every must be 0 or positive, got {sampleEvery}");
        if (r.GetValue(o.Samples) is int s) CommonOptions.Positive(s, "--samples");
        double budget = r.GetValue(o.MaxSeconds);
        if (!(budget > 0)) throw new CliError($"--max-seconds must be positive, got {budget}");
        string final = Path.Combine(dir, "model.safetensors");
        string? resumeFrom = o.ResumePath(r, final);
        if (File.Exists(final) && resumeFrom is null && !r.GetValue(o.Force))
            throw new CliError($"{final} already exists; pass --resume to continue it or --force to start over");

        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = o.IsFlow ? LatentTrainer.Flow(r, o, kind, dev, resumeFrom) : LatentTrainer.Vae(r, o, kind, dev, resumeFrom);
        Directory.CreateDirectory(dir);
        if (run.Step >= total) Console.WriteLine($"the model has already taken {run.Step} steps (--steps {total}): nothing to train");
        Console.WriteLine($"training {kind} on {run.DataName} on {dev}: {run.Describe}, {run.Parameters:N0} parameters, from step {run.Step}");

        ulong seed = r.GetValue(o.Seed);
        var losses = new List<float>();
        var pictures = new List<string>();
        long start = run.Step;
        var clock = Stopwatch.StartNew();
        double smooth = double.NaN;
        using (var bar = new ProgressBar("train", total - start))
        {
            while (run.Step < total && clock.Elapsed.TotalSeconds < budget)
            {
                float loss = run.TrainStep();
                if (!float.IsFinite(loss)) throw new InvalidOperationException($"training diverged at step {run.Step}: loss is {loss}");
                losses.Add(loss);
                smooth = double.IsNaN(smooth) ? loss : 0.98 * smooth + 0.02 * loss;
                if (every > 0 && run.Step % every == 0) run.Save(Path.Combine(dir, $"step-{run.Step}.safetensors"));
                if (sampleEvery > 0 && run.Step % sampleEvery == 0 && run.Step < total)
                    pictures.Add(run.WritePicture(Path.Combine(dir, $"samples-step-{run.Step}.png"), seed));
                long done = run.Step - start;
                double elapsed = clock.Elapsed.TotalSeconds;
                double fraction = Math.Max((double)done / Math.Max(1, total - start), double.IsFinite(budget) ? elapsed / budget : 0);
                bar.Report(done, string.Create(CultureInfo.InvariantCulture,
                    $"loss {smooth:F4} {run.LossUnit}  {done / Math.Max(1e-9, elapsed):F1} steps/s  ETA {ProgressBar.Eta(elapsed, fraction)}"), fraction);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long stepsRun = run.Step - start;
        run.Save(final);
        string samplesPng = run.WritePicture(Path.Combine(dir, "samples.png"), seed);
        pictures.Add(samplesPng);
        if (losses.Count > 1)
        {
            Plot.LossCurve(losses.ToArray(), title: $"training loss ({run.LossUnit})", smoothing: 50).SavePng(Path.Combine(dir, "loss.png"));
            Npy.Write(Path.Combine(dir, "loss.npy"), losses.ToArray(), [losses.Count]);
        }
        double stepsPerSecond = stepsRun / Math.Max(1e-9, seconds);
        float lastLoss = losses.Count > 0 ? losses.TakeLast(100).Average() : float.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stepsRun} steps in {seconds:F1} s ({stepsPerSecond:F2} steps/s), loss {lastLoss:F4} {run.LossUnit} (mean of the last 100)"));
        var json = new JsonOut().Add("command", $"train {kind}").Add("family", kind).Add("data", run.DataName)
            .Add("steps", run.Step).Add("steps_run", stepsRun).Add("seconds", seconds).Add("steps_per_s", stepsPerSecond)
            .Add("loss_unit", run.LossUnit).Add("final_loss", lastLoss).Add("first_loss", losses.Count > 0 ? losses.Take(10).Average() : float.NaN)
            .Add("parameters", run.Parameters);
        run.AddFinalMetrics(json, seed);
        Console.WriteLine($"wrote {final}, {string.Join(", ", pictures)}{(losses.Count > 1 ? ", loss.png" : "")}");
        if (r.GetValue(o.Json))
            Console.WriteLine(json.Add("checkpoint", final).Add("samples_png", samplesPng).Add("device", dev.Name));
        return 0;
    }
}
