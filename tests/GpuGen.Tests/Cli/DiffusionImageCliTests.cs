using System.Text.Json;
using Xunit.Abstractions;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen train ddpm` / `sample` / `eval` on a tiny generated IDX image dataset (family "ddpm-image").</summary>
public class DiffusionImageCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-cli-img-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private CliRunner.Result Gpugen(params string[] args) => CliRunner.Run(dir, args);

    private void WriteIdx(string prefix, int count, int seed) => BarsIdx.Write(Path.Combine(dir, "bars"), prefix, count, seed, places: 7);

    [Fact]
    public void TrainResumeSampleAndEvalWithJson()
    {
        WriteIdx("train", 48, 1);
        WriteIdx("t10k", 16, 2);
        string[] model = ["--data", "idx:bars", "--batch", "8", "--channels", "8,16", "--time-dim", "32", "--timesteps", "50", "--cond", "--prediction", "v",
            "--samples", "4", "--sample-steps", "3", "--sample-every", "2", "--checkpoint-every", "2", "--out", "run", "--json"];
        var train = Gpugen(["train", "ddpm", "--steps", "3", .. model]);
        Assert.True(train.ExitCode == 0, train.ToString());
        using (var doc = JsonDocument.Parse(train.LastLine))
        {
            Assert.Equal("ddpm-image", doc.RootElement.GetProperty("family").GetString());
            Assert.Equal(3, doc.RootElement.GetProperty("steps").GetInt32());
            Assert.True(double.IsFinite(doc.RootElement.GetProperty("final_loss").GetDouble()));
        }
        RunFiles.Checkpoint(Path.Combine(dir, "run", "model.safetensors"), "ddpm-image", 3);
        RunFiles.Checkpoint(Path.Combine(dir, "run", "step-2.safetensors"), "ddpm-image", 2);
        foreach (var f in new[] { "samples-step-2.png", "samples.png", "loss.png" }) RunFiles.Png(Path.Combine(dir, "run", f));
        RunFiles.Npy(Path.Combine(dir, "run", "loss.npy"), 3);

        var again = Gpugen(["train", "ddpm", "--steps", "3", .. model]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Stderr);
        var resumed = Gpugen(["train", "ddpm", "--steps", "5", .. model, "--resume", "run/step-2.safetensors"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        using (var doc = JsonDocument.Parse(resumed.LastLine))
        {
            Assert.Equal(5, doc.RootElement.GetProperty("steps").GetInt32());
            Assert.Equal(3, doc.RootElement.GetProperty("steps_run").GetInt32());
        }

        var sample = Gpugen("sample", "run/model.safetensors", "--sampler", "ddim", "--steps", "5", "--eta", "0.5", "--n", "6", "--seed", "3",
            "--class", "1", "--guidance", "2", "--grid", "g.png", "--chain", "c.png", "--npy", "s.npy", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        RunFiles.Npy(Path.Combine(dir, "s.npy"), 6, 1, 8, 8);
        RunFiles.Png(Path.Combine(dir, "g.png"));
        RunFiles.Png(Path.Combine(dir, "c.png"));
        using (var doc = JsonDocument.Parse(sample.LastLine))
            Assert.Equal(5, doc.RootElement.GetProperty("steps").GetInt32());
        // The toy aliases still work, and a respaced DDPM chain runs.
        var ddpm = Gpugen("sample", "run/model.safetensors", "--sampler", "ddpm", "--ddim-steps", "7", "--n", "2", "--png", "p.png", "--chain-png", "q.png", "--json");
        Assert.True(ddpm.ExitCode == 0, ddpm.ToString());
        using (var doc = JsonDocument.Parse(ddpm.LastLine))
            Assert.Equal(7, doc.RootElement.GetProperty("steps").GetInt32());
        RunFiles.Png(Path.Combine(dir, "p.png"));
        RunFiles.Png(Path.Combine(dir, "q.png"));

        var eval = Gpugen("eval", "run/model.safetensors", "--n", "16", "--bpd-n", "4", "--bpd-timesteps", "5", "--no-fd", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        output.WriteLine(eval.LastLine);
        using (var doc = JsonDocument.Parse(eval.LastLine))
        {
            var root = doc.RootElement;
            Assert.Equal("test", root.GetProperty("split").GetString());
            // Predicting ε = 0 scores E[ε²] = 1; after 5 steps measured 0.462. 8 bits/dim is a uniform
            // model of 256 levels; the 5-timestep bound of a 5-step model measured 8.43.
            Assert.InRange(root.GetProperty("eps_mse").GetDouble(), 0.1, 1.5);
            Assert.InRange(root.GetProperty("bits_per_dim").GetDouble(), 2, 16);
            Assert.Equal(16, root.GetProperty("n").GetInt32());
            Assert.False(root.TryGetProperty("fd", out _));
        }

        var badClass = Gpugen("sample", "run/model.safetensors", "--class", "7", "--n", "2");
        Assert.Equal(2, badClass.ExitCode);
        Assert.Contains("--class", badClass.Stderr);
        var toyOption = Gpugen("train", "ddpm", "--data", "moons", "--steps", "2", "--cond", "--out", "toy");
        Assert.NotEqual(0, toyOption.ExitCode);
        Assert.Contains("--cond", toyOption.Stderr);
    }

    [Fact]
    public void EvalReportsTheFrechetDistanceAndItsFloor()
    {
        string data = GpuGen.Tests.Models.SyntheticShapes.WriteIdx(Path.Combine(dir, "shapes"), 64, 48, seed: 8);
        var train = Gpugen("train", "ddpm", "--data", data, "--steps", "2", "--batch", "8", "--channels", "8,8", "--time-dim", "16",
            "--timesteps", "20", "--cond", "--sample-every", "0", "--samples", "2", "--sample-steps", "2", "--out", "run");
        Assert.True(train.ExitCode == 0, train.ToString());
        var clf = Gpugen("train", "classifier", "--data", data, "--steps", "3", "--batch", "16", "--out", "clf");
        Assert.True(clf.ExitCode == 0, clf.ToString());
        var eval = Gpugen("eval", "run/model.safetensors", "--classifier", "clf/model.safetensors", "--n", "24", "--bpd-n", "2",
            "--bpd-timesteps", "2", "--steps", "3", "--guidance", "2", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        using var doc = JsonDocument.Parse(eval.LastLine);
        var root = doc.RootElement;
        double fd = root.GetProperty("fd").GetDouble(), floor = root.GetProperty("fd_floor").GetDouble();
        Assert.True(fd > 0 && floor >= 0, $"fd {fd}, floor {floor}");
        // Two-step samples of an untrained model are noise: far further from the test images than real training images are.
        Assert.True(fd > floor, $"fd {fd} should exceed the real-vs-real floor {floor}");
        Assert.Equal(24, root.GetProperty("n").GetInt32());
        Assert.Equal(3, root.GetProperty("sample_steps").GetInt32());
    }
}
