using System.Diagnostics;
using System.Text.Json;
using GpuGen.Training;

namespace GpuGen.Tests.Cli;

/// <summary>
/// What every `gpugen train FAMILY` does around its steps, through the one training driver: a run
/// killed with SIGKILL continues from its newest checkpoint, and a diverging run of any family ends
/// with one line naming the step, exit 1, and nothing written after the bad step.
/// </summary>
public class RunFolderCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-cli-runs-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private CliRunner.Result Gpugen(params string[] args) => CliRunner.Run(dir, args);

    private static readonly string[] ToyDdpm = ["train", "ddpm", "--data", "8gaussians", "--batch", "64", "--hidden", "16", "--layers", "1", "--samples", "50"];

    [Fact]
    public void RunKilledWithSigkillResumesFromItsNewestCheckpoint()
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GpuGen.Cli.dll"));
        foreach (var a in (string[])[.. ToyDdpm, "--steps", "1000000", "--checkpoint-every", "40", "--out", "run"]) psi.ArgumentList.Add(a);
        using (var process = Process.Start(psi)!)
        {
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(dir, "run", "step-80.safetensors")) && clock.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited) Thread.Sleep(20);
            Assert.False(process.HasExited, "the run ended before it could be killed");
            // A moment that is not a checkpoint boundary: somewhere in the next few checkpoints, chosen by a fixed seed.
            Thread.Sleep(new System.Random(20261206).Next(0, 400));
            process.Kill(entireProcessTree: true); // SIGKILL: no handler runs, no final checkpoint
            process.WaitForExit();
        }
        string run = Path.Combine(dir, "run");
        Assert.False(File.Exists(Path.Combine(run, RunFolder.FinalName)), "a killed run has no model.safetensors");
        var newest = RunFolder.Newest(run);
        Assert.NotNull(newest);
        Assert.True(newest.Step >= 80 && newest.Step % 40 == 0, $"newest checkpoint {newest.Path} at step {newest.Step}");

        var fresh = Gpugen([.. ToyDdpm, "--steps", "10", "--out", "run"]);
        Assert.Equal(2, fresh.ExitCode); // not started over by accident
        Assert.Contains("--resume", fresh.Stderr);

        long target = newest.Step + 7;
        var resumed = Gpugen([.. ToyDdpm, "--steps", target.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", "run", "--resume", "--json"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"resuming from {Path.Combine("run", Path.GetFileName(newest.Path))}, the newest complete checkpoint", resumed.Stdout);
        using var doc = JsonDocument.Parse(resumed.LastLine);
        Assert.Equal(target, doc.RootElement.GetProperty("steps").GetInt64());
        Assert.Equal(7, doc.RootElement.GetProperty("steps_run").GetInt64());
        Assert.Equal(target, Checkpoint.Open(Path.Combine(run, RunFolder.FinalName), expectedFamily: "ddpm-2d").Step);
    }

    /// <summary>
    /// Each family with a tiny model and a learning rate of 10³⁸: Adam moves every weight by about 10³⁸ in
    /// the first step, near float32's largest value, so the next forward pass overflows (10⁹ and 10³⁰ are not
    /// enough: a softmax or logistic loss of huge logits stays finite, as PixelCNN and the cGAN showed).
    /// </summary>
    public static TheoryData<string, string[]> Families() => new()
    {
        { "ddpm-2d", [.. ToyDdpm] },
        { "ddpm-image", ["train", "ddpm", "--data", "SHAPES", "--batch", "8", "--channels", "8,16", "--time-dim", "32", "--timesteps", "50", "--samples", "4", "--sample-steps", "3"] },
        { "vae", ["train", "vae", "--data", "SHAPES", "--batch", "8", "--latent", "4", "--samples", "4"] },
        { "cvae", ["train", "cvae", "--data", "SHAPES", "--batch", "8", "--latent", "4", "--samples", "4"] },
        { "nice", ["train", "nice", "--data", "8gaussians", "--layers", "2", "--hidden", "8", "--batch", "64", "--samples", "50"] },
        { "realnvp", ["train", "realnvp", "--data", "moons", "--layers", "2", "--hidden", "8", "--batch", "64", "--samples", "50"] },
        { "gan", ["train", "gan", "--data", "8gaussians", "--batch", "32", "--hidden", "16", "--samples", "50"] },
        { "cgan", ["train", "cgan", "--data", "SHAPES", "--batch", "8", "--latent", "8", "--samples", "4"] },
        { "classifier", ["train", "classifier", "--data", "SHAPES", "--batch", "8", "--samples", "2"] },
        { "pixelcnn", ["train", "pixelcnn", "--data", "SHAPES", "--batch", "4", "--channels", "8", "--layers", "1", "--samples", "2"] },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void DivergingRunEndsWithOneLineAndKeepsTheLastGoodCheckpoint(string family, string[] args)
    {
        string data = GpuGen.Tests.Models.SyntheticShapes.WriteIdx(Path.Combine(dir, "shapes"), 16, 8, seed: 7);
        args = args.Select(a => a == "SHAPES" ? data : a).ToArray();
        var result = Gpugen([.. args, "--lr", "1e38", "--steps", "60", "--checkpoint-every", "1", "--sample-every", "0", "--out", "run"]);
        Assert.True(result.ExitCode == 1, $"{family}: {result}");
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("gpugen:", StringComparison.Ordinal)).ToArray();
        Assert.Single(lines);
        Assert.DoesNotContain("   at ", result.Stderr);
        var m = System.Text.RegularExpressions.Regex.Match(lines[0], @"^gpugen: training diverged at step (\d+): .* is (NaN|-?∞|-?Infinity); ");
        Assert.True(m.Success, lines[0]);
        long badStep = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string run = Path.Combine(dir, "run");
        Assert.False(File.Exists(Path.Combine(run, RunFolder.FinalName)), "nothing is saved after a non-finite step");
        var newest = RunFolder.Newest(run);
        if (badStep > 1)
        {
            Assert.NotNull(newest);
            Assert.Equal(badStep - 1, newest.Step);
            Assert.Contains($"the last good checkpoint is {Path.Combine("run", $"step-{badStep - 1}.safetensors")}", lines[0]);
        }
        else
        {
            Assert.Null(newest);
            Assert.Contains("no checkpoint of this run was written", lines[0]);
        }
    }

    /// <summary>The positive control of the test above: the same tiny run at a sane learning rate finishes and saves.</summary>
    [Fact]
    public void TheSameRunAtASaneLearningRateFinishesAndSaves()
    {
        var result = Gpugen([.. ToyDdpm, "--lr", "1e-3", "--steps", "20", "--checkpoint-every", "1", "--sample-every", "0", "--out", "run", "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(20, Checkpoint.Open(Path.Combine(dir, "run", RunFolder.FinalName), expectedFamily: "ddpm-2d").Step);
    }
}
