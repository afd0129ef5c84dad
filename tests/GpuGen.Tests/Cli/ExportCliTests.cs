using System.Text.Json;
using GpuGen.IO;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen export`: a float16 file that `sample` and `eval` read like any checkpoint, `--resume` refuses, and whose damage is named.</summary>
public sealed class ExportCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-cli-export-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private CliRunner.Result Gpugen(params string[] args) => CliRunner.Run(dir, args);

    private static JsonElement Json(CliRunner.Result r) => JsonDocument.Parse(r.LastLine).RootElement;

    [Fact]
    public void ExportedToyModelSamplesEvaluatesAndRefusesToResume()
    {
        var train = Gpugen("train", "ddpm", "--data", "moons", "--steps", "40", "--samples", "200", "--out", "run", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());

        var export = Gpugen("export", "run/model.safetensors", "small.safetensors", "--json");
        Assert.True(export.ExitCode == 0, export.ToString());
        var e = Json(export);
        Assert.Equal("ema", e.GetProperty("weights").GetString());
        Assert.Equal(40, e.GetProperty("step").GetInt64());
        long bytes = e.GetProperty("bytes").GetInt64(), source = e.GetProperty("source_bytes").GetInt64();
        Assert.Equal(new FileInfo(Path.Combine(dir, "small.safetensors")).Length, bytes);
        Assert.InRange(bytes, source / 12, source / 6);   // 2 bytes a weight instead of 16 (weights, EMA, two moments in float32)
        Assert.InRange(e.GetProperty("max_abs_error").GetDouble(), 1e-7, 2e-3);
        Assert.Contains(SafeTensors.Read(Path.Combine(dir, "small.safetensors")).Tensors, t => t.Name.EndsWith("weight"));
        Assert.True(RunFiles.Checkpoint(Path.Combine(dir, "small.safetensors"), "ddpm-2d", 40).WeightsOnly);

        var sample = Gpugen("sample", "small.safetensors", "--n", "100", "--npy", "s.npy", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        RunFiles.Npy(Path.Combine(dir, "s.npy"), 100, 2);

        var resume = Gpugen("train", "ddpm", "--data", "moons", "--steps", "50", "--out", "run", "--resume", "small.safetensors");
        Assert.Equal(1, resume.ExitCode);
        Assert.StartsWith("gpugen: checkpoint small.safetensors: holds exported float16 weights without optimizer state", resume.Stderr.Trim());
        var resumeTraining = Gpugen("train", "ddpm", "--data", "moons", "--steps", "41", "--out", "run", "--resume", "--json");
        Assert.True(resumeTraining.ExitCode == 0, resumeTraining.ToString());   // the run's own checkpoint still resumes
        Assert.False(RunFiles.Checkpoint(Path.Combine(dir, "run", "model.safetensors"), "ddpm-2d", 41).WeightsOnly);
    }

    [Fact]
    public void ExportedWeightsStartANewRunWithInit()
    {
        var train = Gpugen("train", "ddpm", "--data", "moons", "--steps", "40", "--samples", "100", "--out", "run");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal(0, Gpugen("export", "run/model.safetensors", "small.safetensors").ExitCode);

        var warm = Gpugen("train", "ddpm", "--data", "moons", "--steps", "60", "--samples", "100", "--init", "small.safetensors", "--out", "warm", "--json");
        Assert.True(warm.ExitCode == 0, warm.ToString());
        Assert.Contains("starting from the exported weights in small.safetensors (step 40): the optimizer's moments start from zero", warm.Stdout);
        Assert.Equal(20, Json(warm).GetProperty("steps_run").GetInt64());
        // The model's step goes on from the weights' step; Adam's bias correction counts from its zero moments.
        var metadata = RunFiles.Checkpoint(Path.Combine(dir, "warm", "model.safetensors"), "ddpm-2d", 60).File.Metadata;
        Assert.Equal(("60", "20"), (metadata["gpugen.optim.step"], metadata["gpugen.optim.moment_steps"]));
        var trained = RunFiles.Checkpoint(Path.Combine(dir, "run", "model.safetensors"), "ddpm-2d", 40).File.Metadata;
        Assert.Equal("40", trained["gpugen.optim.step"]);
        Assert.False(trained.ContainsKey("gpugen.optim.moment_steps"));   // a run from scratch: the same count, not written again

        var both = Gpugen("train", "ddpm", "--data", "moons", "--steps", "70", "--init", "small.safetensors", "--resume", "--out", "warm");
        Assert.Equal(2, both.ExitCode);
        Assert.Equal("gpugen: --init starts a new run and --resume continues one: give one of them", both.Stderr.Trim());
        var over = Gpugen("train", "ddpm", "--data", "moons", "--steps", "70", "--init", "small.safetensors", "--out", "warm");
        Assert.Equal(2, over.ExitCode);
        Assert.Contains("already exists (a run at step 60); pass --resume to continue it or --force to start over", over.Stderr);
        var missing = Gpugen("train", "ddpm", "--data", "moons", "--steps", "70", "--init", "nothing.safetensors", "--out", "fresh");
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("gpugen: --init: there is no nothing.safetensors to start from", missing.Stderr.Trim());
    }

    [Fact]
    public void TruncatedOrCorruptExportIsOneLineNamingTheFile()
    {
        var train = Gpugen("train", "ddpm", "--data", "moons", "--steps", "5", "--samples", "100", "--out", "run");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal(0, Gpugen("export", "run/model.safetensors", "small.safetensors").ExitCode);
        byte[] good = File.ReadAllBytes(Path.Combine(dir, "small.safetensors"));

        File.WriteAllBytes(Path.Combine(dir, "cut.safetensors"), good[..^7]);
        var cut = Gpugen("sample", "cut.safetensors", "--n", "10");
        Assert.Equal(1, cut.ExitCode);
        string line = cut.Stderr.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("gpugen: checkpoint cut.safetensors: ", line);
        Assert.Contains("run past the end", line);

        var garbled = (byte[])good.Clone();
        garbled[8] = (byte)'#';   // the header's opening brace
        File.WriteAllBytes(Path.Combine(dir, "bad.safetensors"), garbled);
        var bad = Gpugen("eval", "bad.safetensors");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("gpugen: checkpoint bad.safetensors: header is not valid JSON", bad.Stderr.Trim());

        // Exporting over the source is refused before anything is written; the source is intact.
        var self = Gpugen("export", "run/model.safetensors", "run/model.safetensors");
        Assert.Equal(2, self.ExitCode);
        Assert.Contains("is the checkpoint itself", self.Stderr);
        Assert.Equal(0, Gpugen("sample", "run/model.safetensors", "--n", "5").ExitCode);
    }
}
