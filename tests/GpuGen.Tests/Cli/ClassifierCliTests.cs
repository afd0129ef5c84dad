using System.Text.Json;
using GpuGen.Tests.Models;

namespace GpuGen.Tests.Cli;

public class ClassifierCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-cli-classifier-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private CliRunner.Result Gpugen(params string[] args) => CliRunner.Run(dir, args);

    [Fact]
    public void TrainAndEvalClassifierOnGeneratedIdxDataWithJson()
    {
        SyntheticShapes.WriteIdx(Path.Combine(dir, "shapes"), 480, 120, seed: 5);
        var train = Gpugen("train", "classifier", "--data", "idx:shapes", "--steps", "60", "--batch", "32", "--lr", "0.003", "--out", "run", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        double accuracy;
        using (var doc = JsonDocument.Parse(train.LastLine))
        {
            var root = doc.RootElement;
            Assert.Equal(60, root.GetProperty("steps").GetInt64());
            accuracy = root.GetProperty("test_accuracy").GetDouble();
            Assert.True(accuracy >= 0.9, $"test accuracy {accuracy}\n{train}");
            Assert.Equal(120, root.GetProperty("n").GetInt32());
            Assert.Equal(4, root.GetProperty("class_accuracy").GetArrayLength());
            Assert.True(root.GetProperty("steps_per_s").GetDouble() > 0);
            Assert.Equal("idx:" + Path.Combine(dir, "shapes"), root.GetProperty("data").GetString());
        }
        Assert.Contains("train", train.Stderr);    // the progress lines
        foreach (var f in new[] { "model.safetensors", "loss.png", "loss.npy" })
            Assert.True(File.Exists(Path.Combine(dir, "run", f)), $"missing {f}");

        // eval finds the test split from the checkpoint's own data and reports the same accuracy.
        var eval = Gpugen("eval", "run/model.safetensors", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        using (var doc = JsonDocument.Parse(eval.LastLine))
        {
            Assert.Equal("classifier", doc.RootElement.GetProperty("family").GetString());
            Assert.Equal(accuracy, doc.RootElement.GetProperty("test_accuracy").GetDouble(), 6);
            var perClass = doc.RootElement.GetProperty("class_accuracy");
            Assert.Equal(4, perClass.GetArrayLength());
            Assert.All(perClass.EnumerateArray(), c => Assert.Equal(30, c.GetProperty("n").GetInt32()));
            Assert.Equal(120, doc.RootElement.GetProperty("fd_n").GetInt32());   // --n 10000 capped by the 120 test images
            double floor = doc.RootElement.GetProperty("fd_floor").GetDouble();
            Assert.True(floor > 0 && double.IsFinite(floor), $"fd_floor {floor}");
        }

        // Not overwritten without --force; a classifier draws no samples. One clean line each.
        var again = Gpugen("train", "classifier", "--data", "idx:shapes", "--steps", "2", "--out", "run");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Stderr);
        var sample = Gpugen("sample", "run/model.safetensors");
        Assert.Equal(2, sample.ExitCode);
        Assert.Contains("classifier", sample.Stderr);
        Assert.DoesNotContain("   at ", sample.Stderr + again.Stderr);
    }

    [Fact]
    public void UnlabelledOrMissingDataGivesOneLine()
    {
        var missing = Gpugen("train", "classifier", "--data", "idx:nowhere", "--steps", "2", "--out", "run");
        Assert.Equal(2, missing.ExitCode); // a bad --data is a bad request, as for every family
        Assert.StartsWith("gpugen: --data idx:", missing.Stderr);
        Assert.Contains("nowhere", missing.Stderr);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "run", "model.safetensors")));
    }
}
