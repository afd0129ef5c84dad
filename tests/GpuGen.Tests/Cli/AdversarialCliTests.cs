using System.Text.Json;
using GpuGen.IO;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen train gan|cgan|pixelcnn`, `sample` and `eval` on tiny generated data (families "gan" and "pixelcnn").</summary>
public class AdversarialCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-cli-adv-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private CliRunner.Result Gpugen(params string[] args) => CliRunner.Run(dir, args);

    private static JsonElement Last(CliRunner.Result r) => JsonDocument.Parse(r.LastLine).RootElement.Clone();

    [Fact]
    public void ToyGan_TrainSampleEval()
    {
        var train = Gpugen("train", "gan", "--data", "8gaussians", "--steps", "4", "--batch", "32", "--hidden", "16", "--r1", "1", "--spectral-norm",
            "--sample-every", "2", "--samples", "100", "--out", "toy", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        var t = Last(train);
        Assert.Equal("gan", t.GetProperty("family").GetString());
        Assert.Equal(4, t.GetProperty("steps").GetInt32());
        Assert.True(double.IsFinite(t.GetProperty("loss_d").GetDouble()) && double.IsFinite(t.GetProperty("loss_g").GetDouble()));
        Assert.InRange(t.GetProperty("modes_covered").GetInt32(), 0, 8);
        foreach (var f in new[] { "model.safetensors", "samples.png", "samples-step-2.png", "loss.png" })
            Assert.True(File.Exists(Path.Combine(dir, "toy", f)), $"missing toy/{f}");
        var sample = Gpugen("sample", "toy/model.safetensors", "--n", "50", "--npy", "s.npy", "--grid", "s.png", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        Assert.Equal(100, Npy.ReadFloat32(Path.Combine(dir, "s.npy"), out var shape).Length);
        Assert.Equal([50, 2], shape);
        var eval = Gpugen("eval", "toy/model.safetensors", "--n", "200", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.True(Last(eval).GetProperty("mmd2").GetDouble() > 0);
        var cls = Gpugen("sample", "toy/model.safetensors", "--class", "1");
        Assert.Equal(2, cls.ExitCode);
        Assert.Contains("--class", cls.Stderr);
    }

    [Fact]
    public void Cgan_TrainResumeSampleAndEvalWithFdAndAccuracy()
    {
        string data = GpuGen.Tests.Models.SyntheticShapes.WriteIdx(Path.Combine(dir, "shapes"), 48, 32, seed: 3);
        string[] model = ["--data", data, "--batch", "8", "--latent", "16", "--label-smoothing", "0.9", "--spectral-norm",
            "--sample-every", "1", "--samples", "8", "--checkpoint-every", "1", "--out", "run", "--json"];
        var train = Gpugen(["train", "cgan", "--steps", "2", .. model]);
        Assert.True(train.ExitCode == 0, train.ToString());
        foreach (var f in new[] { "model.safetensors", "step-1.safetensors", "samples-step-1.png", "samples.png", "loss.png" })
            Assert.True(File.Exists(Path.Combine(dir, "run", f)), $"missing run/{f}");
        var resumed = Gpugen(["train", "cgan", "--steps", "3", .. model, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(1, Last(resumed).GetProperty("steps_run").GetInt32());
        var wrong = Gpugen(["train", "gan", "--steps", "4", .. model, "--resume"]);
        Assert.Equal(2, wrong.ExitCode);

        var sample = Gpugen("sample", "run/model.safetensors", "--n", "6", "--class", "2", "--npy", "c.npy", "--grid", "c.png", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        var images = Npy.ReadFloat32(Path.Combine(dir, "c.npy"), out var shape);
        Assert.Equal([6, 1, 28, 28], shape);
        Assert.All(images, v => Assert.InRange(v, -1f, 1f));

        var clf = Gpugen("train", "classifier", "--data", data, "--steps", "3", "--batch", "16", "--out", "clf");
        Assert.True(clf.ExitCode == 0, clf.ToString());
        var eval = Gpugen("eval", "run/model.safetensors", "--classifier", "clf/model.safetensors", "--n", "24", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var e = Last(eval);
        double fd = e.GetProperty("fd").GetDouble(), floor = e.GetProperty("fd_floor").GetDouble();
        Assert.True(fd > floor && floor >= 0, $"fd {fd} of a 3-step GAN should exceed the real-vs-real floor {floor}");
        Assert.InRange(e.GetProperty("class_accuracy").GetDouble(), 0, 1);

        var r1 = Gpugen("train", "gan", "--data", data, "--steps", "1", "--r1", "1", "--out", "r1");
        Assert.Equal(2, r1.ExitCode);
        Assert.Contains("R1", r1.Stderr);
    }

    [Fact]
    public void PixelCnn_TrainSampleWithRasterFillAndEvalBitsPerDim()
    {
        var rng = new System.Random(4);
        int count = 40;
        var pixels = new byte[count * 64];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 2);
            int at = rng.Next(8);
            for (int k = 0; k < 64; k++) pixels[i * 64 + k] = (labels[i] == 0 ? k / 8 == at : k % 8 == at) ? (byte)255 : (byte)rng.Next(0, 30);
        }
        Directory.CreateDirectory(Path.Combine(dir, "bars"));
        foreach (var prefix in new[] { "train", "t10k" })
        {
            GpuGen.Data.Idx.WriteImages(Path.Combine(dir, "bars", $"{prefix}-images-idx3-ubyte"), pixels, count, 8, 8);
            GpuGen.Data.Idx.WriteLabels(Path.Combine(dir, "bars", $"{prefix}-labels-idx1-ubyte"), labels);
        }
        var train = Gpugen("train", "pixelcnn", "--data", "idx:bars", "--steps", "3", "--batch", "8", "--channels", "8", "--layers", "2", "--cond",
            "--samples", "4", "--out", "p", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        var t = Last(train);
        Assert.Equal("pixelcnn", t.GetProperty("family").GetString());
        Assert.True(t.GetProperty("images_per_s").GetDouble() > 0);
        var sample = Gpugen("sample", "p/model.safetensors", "--n", "3", "--class", "1", "--seed", "5", "--chain", "fill.png", "--grid", "g.png", "--npy", "s.npy", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "fill.png")) && File.Exists(Path.Combine(dir, "g.png")));
        var values = Npy.ReadFloat32(Path.Combine(dir, "s.npy"), out var shape);
        Assert.Equal([3, 1, 8, 8], shape);
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        var again = Gpugen("sample", "p/model.safetensors", "--n", "3", "--class", "1", "--seed", "5", "--npy", "s2.npy");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(values, Npy.ReadFloat32(Path.Combine(dir, "s2.npy"), out _));
        var eval = Gpugen("eval", "p/model.safetensors", "--n", "16", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var e = Last(eval);
        Assert.Equal(16, e.GetProperty("n").GetInt32());
        Assert.InRange(e.GetProperty("test_bits_per_dim").GetDouble(), 0.5, 8.5);
    }
}
