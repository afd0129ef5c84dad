using System.Text.Json;
using GpuGen.IO;

namespace GpuGen.Tests.Cli;

public class CliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private CliRunner.Result Gpugen(params string[] args) => CliRunner.Run(dir, args);

    private static void AssertCleanError(CliRunner.Result r, int exitCode, params string[] mentions)
    {
        Assert.True(r.ExitCode == exitCode, r.ToString());
        var lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{r}");
        Assert.StartsWith("gpugen: ", lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
        foreach (var m in mentions) Assert.Contains(m, lines[0]);
    }

    [Fact]
    public void TrainSampleRoundTripWithJson()
    {
        var train = Gpugen("train", "ddpm", "--data", "moons", "--steps", "40", "--batch", "64", "--samples", "200",
            "--checkpoint-every", "20", "--out", "run", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        using (var doc = JsonDocument.Parse(train.LastLine))
        {
            Assert.Equal(40, doc.RootElement.GetProperty("steps").GetInt64());
            Assert.True(doc.RootElement.GetProperty("steps_per_s").GetDouble() > 0);
            Assert.Equal("moons", doc.RootElement.GetProperty("data").GetString());
        }
        RunFiles.Checkpoint(Path.Combine(dir, "run", "model.safetensors"), "ddpm-2d", 40);
        RunFiles.Checkpoint(Path.Combine(dir, "run", "step-20.safetensors"), "ddpm-2d", 20);
        RunFiles.Checkpoint(Path.Combine(dir, "run", "step-40.safetensors"), "ddpm-2d", 40);
        RunFiles.Png(Path.Combine(dir, "run", "samples.png"), width: 512);
        RunFiles.Png(Path.Combine(dir, "run", "loss.png"));
        RunFiles.Npy(Path.Combine(dir, "run", "loss.npy"), 40);   // one loss per step

        var sample = Gpugen("sample", "run/model.safetensors", "--n", "37", "--seed", "3", "--npy", "s.npy", "--png", "s.png",
            "--sampler", "ddim", "--ddim-steps", "10", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        var points = RunFiles.Npy(Path.Combine(dir, "s.npy"), 37, 2);
        RunFiles.Png(Path.Combine(dir, "s.png"));
        using (var doc = JsonDocument.Parse(sample.LastLine))
            Assert.Equal(10, doc.RootElement.GetProperty("steps").GetInt32());

        // The same seed gives the same samples.
        Assert.Equal(0, Gpugen("sample", "run/model.safetensors", "--n", "37", "--seed", "3", "--npy", "again.npy", "--sampler", "ddim", "--ddim-steps", "10").ExitCode);
        Assert.Equal(points, Npy.ReadFloat32(Path.Combine(dir, "again.npy"), out _));
    }

    [Fact]
    public void ExistingRunIsNotOverwritten()
    {
        Assert.Equal(0, Gpugen("train", "ddpm", "--steps", "3", "--batch", "16", "--samples", "10", "--out", "run").ExitCode);
        var before = File.ReadAllBytes(Path.Combine(dir, "run", "model.safetensors"));
        var again = Gpugen("train", "ddpm", "--steps", "3", "--batch", "16", "--out", "run");
        AssertCleanError(again, 2, "already exists", "--resume");
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, "run", "model.safetensors")));
        // Resuming continues from step 3 to 5.
        var resumed = Gpugen("train", "ddpm", "--steps", "5", "--samples", "10", "--out", "run", "--resume", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        using var doc = JsonDocument.Parse(resumed.LastLine);
        Assert.Equal(5, doc.RootElement.GetProperty("steps").GetInt64());
        Assert.Equal(2, doc.RootElement.GetProperty("steps_run").GetInt64());
    }

    [Fact]
    public void BrokenOrMissingCheckpointGivesOneLineAndKeepsOutputs()
    {
        File.WriteAllText(Path.Combine(dir, "keep.npy"), "precious");
        AssertCleanError(Gpugen("sample", "nope.safetensors", "--npy", "keep.npy"), 1, "nope.safetensors");
        File.WriteAllBytes(Path.Combine(dir, "bad.safetensors"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        AssertCleanError(Gpugen("sample", "bad.safetensors", "--npy", "keep.npy"), 1, "bad.safetensors");
        Assert.Equal("precious", File.ReadAllText(Path.Combine(dir, "keep.npy")));
        AssertCleanError(Gpugen("data", "folder:/nonexistent/place", "--npy", "keep.npy"), 1, "/nonexistent/place");
        Assert.Equal("precious", File.ReadAllText(Path.Combine(dir, "keep.npy")));
    }

    [Theory]
    [InlineData("train ddpm --out r --stepz 5", "--stepz")]
    [InlineData("data swirl --n 5", "swirl")]
    [InlineData("data moons --n 0", "--n")]
    [InlineData("train ddpm --out r --device cuda:99", "cuda:99")]
    [InlineData("train ddpm --out r --device ilgpu-cpu:1", "ilgpu-cpu:1")]
    [InlineData("train ddpm --out r --device tpu", "tpu")]
    [InlineData("sample x.safetensors --sampler euler", "euler")]
    [InlineData("train ddpm --out r --steps 5 --hidden 0", "hidden")]
    public void BadRequestsGetOneClearLine(string commandLine, string mention)
    {
        AssertCleanError(Gpugen(commandLine.Split(' ')), 2, mention);
        Assert.False(Directory.Exists(Path.Combine(dir, "r")) && Directory.EnumerateFiles(Path.Combine(dir, "r")).Any());
    }

    [Fact]
    public void DataAndDevicesPrintJson()
    {
        var data = Gpugen("data", "swiss-roll", "--n", "300", "--seed", "4", "--npy", "d.npy", "--png", "d.png", "--json");
        Assert.True(data.ExitCode == 0, data.ToString());
        var points = Npy.ReadFloat32(Path.Combine(dir, "d.npy"), out var shape);
        Assert.Equal([300, 2], shape);
        Assert.Equal(GpuGen.Data.ToyData.Sample("swissroll", 300, 4), points);
        using (var doc = JsonDocument.Parse(data.LastLine))
            Assert.Equal("swissroll", doc.RootElement.GetProperty("distribution").GetString());
        RunFiles.Png(Path.Combine(dir, "d.png"));
        // --grid, as `gpugen sample` spells it, draws the same picture as --png.
        var grid = Gpugen("data", "swiss-roll", "-n", "300", "--seed", "4", "--grid", "g.png");
        Assert.True(grid.ExitCode == 0, grid.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "d.png")), File.ReadAllBytes(Path.Combine(dir, "g.png")));

        var devices = Gpugen("devices", "--json");
        Assert.True(devices.ExitCode == 0, devices.ToString());
        using var d = JsonDocument.Parse(devices.LastLine);
        var first = d.RootElement.GetProperty("devices")[0];
        Assert.Equal("cpu", first.GetProperty("device").GetString());
        Assert.True(first.GetProperty("compute_units").GetInt32() >= 1);
    }

    [Fact]
    public void DataInspectsAnIdxDataset()
    {
        var rng = new System.Random(6);
        var pixels = new byte[7 * 12 * 10];
        rng.NextBytes(pixels);
        Directory.CreateDirectory(Path.Combine(dir, "idx"));
        GpuGen.Data.Idx.WriteImages(Path.Combine(dir, "idx", "train-images-idx3-ubyte.gz"), pixels, 7, 12, 10);
        GpuGen.Data.Idx.WriteLabels(Path.Combine(dir, "idx", "train-labels-idx1-ubyte.gz"), [0, 1, 2, 0, 1, 2, 0]);
        var r = Gpugen("data", "idx:idx", "--n", "5", "--npy", "g.npy", "--png", "g.png", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var images = Npy.ReadFloat32(Path.Combine(dir, "g.npy"), out var shape);
        Assert.Equal([5, 1, 12, 10], shape);
        for (int i = 0; i < images.Length; i++) Assert.Equal(pixels[i] / 255f, images[i]);
        using var doc = JsonDocument.Parse(r.LastLine);
        Assert.Equal(7, doc.RootElement.GetProperty("count").GetInt32());
        RunFiles.Png(Path.Combine(dir, "g.png"));
        File.WriteAllBytes(Path.Combine(dir, "idx", "train-images-idx3-ubyte.gz"), [0x1f, 0x8b, 8, 0]);
        AssertCleanError(Gpugen("data", "idx:idx"), 1, "train-images-idx3-ubyte.gz");
    }

    [Fact]
    public void BenchReportsTheWorkloadFields()
    {
        var bench = Gpugen("bench", "sgemm_n512", "--json");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        using var doc = JsonDocument.Parse(bench.LastLine);
        var r = doc.RootElement.GetProperty("results").GetProperty("sgemm_n512");
        foreach (var field in new[] { "gflops", "ms", "median_s", "min_s", "max_s", "warmup", "reps", "inner", "attempts", "foreign_busy_frac", "own_cpu_per_wall", "fraction_of_peak" })
            Assert.True(r.TryGetProperty(field, out _), $"missing {field}");
        Assert.True(r.GetProperty("gflops").GetDouble() > 1);
        Assert.True(r.GetProperty("min_s").GetDouble() <= r.GetProperty("median_s").GetDouble());
        AssertCleanError(Gpugen("bench", "sgemm_n3"), 2, "sgemm_n3");
    }
}
