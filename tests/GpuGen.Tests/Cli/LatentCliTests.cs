using System.Text.Json;
using Xunit.Abstractions;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen train|sample|eval` for vae, cvae, nice and realnvp on a tiny generated IDX dataset and a 2-D toy.</summary>
public class LatentCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-cli-latent-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private CliRunner.Result Gpugen(params string[] args) => CliRunner.Run(dir, args);

    /// <summary>8×8 images of class 0 (a bright row) or 1 (a bright column) over faint noise.</summary>
    private void WriteIdx(string prefix, int count, int seed) => BarsIdx.Write(Path.Combine(dir, "bars"), prefix, count, seed);

    private static JsonElement Json(CliRunner.Result result)
    {
        using var doc = JsonDocument.Parse(result.LastLine);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Cvae_TrainResumeSampleAndEval()
    {
        WriteIdx("train", 64, 1);
        WriteIdx("t10k", 24, 2);
        string[] model = ["--data", "idx:bars", "--batch", "16", "--latent", "2", "--samples", "6", "--sample-every", "2", "--checkpoint-every", "2", "--out", "run", "--json"];
        var train = Gpugen(["train", "cvae", "--steps", "3", .. model]);
        Assert.True(train.ExitCode == 0, train.ToString());
        var t = Json(train);
        Assert.Equal("cvae", t.GetProperty("family").GetString());
        Assert.Equal(3, t.GetProperty("steps").GetInt32());
        Assert.True(t.GetProperty("final_loss").GetDouble() > 0, "−ELBO of binary images is positive");
        RunFiles.Checkpoint(Path.Combine(dir, "run", "model.safetensors"), "cvae", 3);
        RunFiles.Checkpoint(Path.Combine(dir, "run", "step-2.safetensors"), "cvae", 2);
        foreach (var f in new[] { "samples-step-2.png", "samples.png", "loss.png" }) RunFiles.Png(Path.Combine(dir, "run", f));
        RunFiles.Npy(Path.Combine(dir, "run", "loss.npy"), 3);

        var again = Gpugen(["train", "cvae", "--steps", "3", .. model]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--resume", again.Stderr);
        var resumed = Gpugen(["train", "cvae", "--steps", "6", .. model, "--resume", "run/step-2.safetensors"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(6, Json(resumed).GetProperty("steps").GetInt32());
        Assert.Equal(4, Json(resumed).GetProperty("steps_run").GetInt32());
        var wrongKind = Gpugen(["train", "vae", "--steps", "8", .. model, "--resume"]);
        Assert.Equal(2, wrongKind.ExitCode);
        Assert.Contains("cvae", wrongKind.Stderr);

        var sample = Gpugen("sample", "run/model.safetensors", "--n", "6", "--seed", "3", "--temperature", "0.5", "--grid", "g.png",
            "--recon", "r.png", "--walk", "w.png", "--npy", "s.npy", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        var samples = RunFiles.Npy(Path.Combine(dir, "s.npy"), 6, 1, 8, 8);
        Assert.All(samples, v => Assert.True(v >= 0 && v <= 1, $"sample value {v} outside [0, 1]"));
        foreach (var f in new[] { "g.png", "r.png", "w.png" }) RunFiles.Png(Path.Combine(dir, f));
        var badClass = Gpugen("sample", "run/model.safetensors", "--class", "2");
        Assert.Equal(2, badClass.ExitCode);
        Assert.Contains("--class", badClass.Stderr);

        var eval = Gpugen("eval", "run/model.safetensors", "--k", "8", "--no-fd", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var e = Json(eval);
        Assert.Equal(24, e.GetProperty("n").GetInt32());
        double elbo = e.GetProperty("test_elbo_nats").GetDouble(), iw = e.GetProperty("test_iw_nats").GetDouble();
        Assert.True(elbo < 0 && double.IsFinite(elbo), $"test ELBO {elbo}");
        Assert.True(iw >= elbo - 1, $"the importance-weighted bound {iw} should not fall below the ELBO {elbo}");
    }

    [Fact]
    public void EvalOf8GaussiansPrintsTheEntropyAndTheGap()
    {
        var train = Gpugen("train", "realnvp", "--data", "8gaussians", "--steps", "20", "--layers", "2", "--hidden", "8", "--samples", "100", "--out", "g8");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Contains("2 affine couplings (checkerboard masks), nets 2→8×2→2, actnorm, batch 512, lr 0.001 (cosine to 1% over 20 steps)", train.Stdout);
        var eval = Gpugen("eval", "g8/model.safetensors", "--n", "2000", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var j = Json(eval);
        double entropy = j.GetProperty("data_entropy_nats").GetDouble(), nll = j.GetProperty("test_nll_nats").GetDouble();
        Assert.InRange(entropy, 0.30, 0.33);   // ln 8 + ln 2πe·0.1² = 0.312
        Assert.Equal(nll - entropy, j.GetProperty("gap_nats").GetDouble(), 5);
        Assert.InRange(nll, entropy + 0.2, 10);   // 20 steps of a tiny flow are far from the floor

        // --data naming the data it was trained on (in any spelling) measures the same; another toy is refused.
        var named = Gpugen("eval", "g8/model.safetensors", "--n", "2000", "--data", "8-gaussians", "--json");
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Equal(nll, Json(named).GetProperty("test_nll_nats").GetDouble());
        var other = Gpugen("eval", "g8/model.safetensors", "--n", "2000", "--data", "moons");
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("gpugen: --data moons: a 2-D flow is measured on fresh points of its own generator (8gaussians)", other.Stderr);

        // Moons has no closed-form density: no entropy is claimed for it.
        var moons = Gpugen("train", "realnvp", "--data", "moons", "--steps", "5", "--layers", "2", "--hidden", "8", "--samples", "100", "--out", "m");
        Assert.True(moons.ExitCode == 0, moons.ToString());
        var moonsEval = Gpugen("eval", "m/model.safetensors", "--n", "500", "--json");
        Assert.False(Json(moonsEval).TryGetProperty("data_entropy_nats", out _));
    }

    [Fact]
    public void RealNvp_OnAToy_WritesTheDensityAndMeasuresNll()
    {
        var train = Gpugen("train", "realnvp", "--data", "moons", "--steps", "30", "--layers", "4", "--hidden", "16", "--samples", "200", "--out", "toy", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        var t = Json(train);
        Assert.Equal("nats", t.GetProperty("loss_unit").GetString());
        Assert.True(double.IsFinite(t.GetProperty("test_nll_nats").GetDouble()));
        RunFiles.Checkpoint(Path.Combine(dir, "toy", "model.safetensors"), "realnvp", 30);
        RunFiles.Png(Path.Combine(dir, "toy", "samples.png"));
        RunFiles.Npy(Path.Combine(dir, "toy", "loss.npy"), 30);

        var sample = Gpugen("sample", "toy/model.safetensors", "--n", "50", "--temperature", "0.7", "--grid", "d.png", "--npy", "p.npy", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        RunFiles.Npy(Path.Combine(dir, "p.npy"), 50, 2);
        RunFiles.Png(Path.Combine(dir, "d.png"));

        var eval = Gpugen("eval", "toy/model.safetensors", "--n", "500", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.True(double.IsFinite(Json(eval).GetProperty("test_nll_nats").GetDouble()));

        var badMask = Gpugen("train", "realnvp", "--data", "moons", "--mask", "channel", "--out", "x");
        Assert.Equal(2, badMask.ExitCode);
        Assert.Contains("--mask", badMask.Stderr);
    }

    [Fact]
    public void RealNvpConv_TrainResumeSampleAndEval()
    {
        WriteIdx("train", 32, 5);
        WriteIdx("t10k", 16, 6);
        var train = Gpugen("train", "realnvp", "--arch", "conv", "--scales", "2", "--blocks", "1", "--hidden", "8", "--actnorm",
            "--data", "idx:bars", "--steps", "3", "--batch", "8", "--samples", "4", "--out", "conv", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal("bits/dim", Json(train).GetProperty("loss_unit").GetString());
        // Resume reads the architecture from the checkpoint, not from the (default mlp) options.
        var resumed = Gpugen("train", "realnvp", "--data", "idx:bars", "--steps", "5", "--samples", "4", "--out", "conv", "--resume", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(5, Json(resumed).GetProperty("steps").GetInt32());

        var sample = Gpugen("sample", "conv/model.safetensors", "--n", "5", "--temperature", "0.7", "--npy", "c.npy", "--json");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        var values = RunFiles.Npy(Path.Combine(dir, "c.npy"), 5, 1, 8, 8);
        Assert.All(values, v => Assert.True(v >= 0 && v <= 1, $"sample value {v} outside [0, 1]"));

        var eval = Gpugen("eval", "conv/model.safetensors", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        output.WriteLine(eval.LastLine);
        double bpd = Json(eval).GetProperty("test_bits_per_dim").GetDouble();
        // After 5 steps with ActNorm fitted to one batch of 8, far from converged: measured 17.4 (8 is a uniform model of 256 levels).
        Assert.InRange(bpd, 4, 40);

        var badLayers = Gpugen("train", "realnvp", "--arch", "conv", "--layers", "4", "--data", "idx:bars", "--out", "x");
        Assert.Equal(2, badLayers.ExitCode);
        Assert.Contains("--layers", badLayers.Stderr);
        var badScales = Gpugen("train", "realnvp", "--arch", "conv", "--scales", "5", "--data", "idx:bars", "--out", "x");
        Assert.Equal(2, badScales.ExitCode);
        Assert.Contains("multiples of 16", badScales.Stderr);
    }

    [Fact]
    public void Nice_OnImages_ReportsBitsPerDim_AndVaeRejectsToys()
    {
        WriteIdx("train", 32, 3);
        WriteIdx("t10k", 16, 4);
        var train = Gpugen("train", "nice", "--data", "idx:bars", "--steps", "4", "--batch", "8", "--hidden", "16", "--layers", "4", "--out", "nice", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal("bits/dim", Json(train).GetProperty("loss_unit").GetString());
        var eval = Gpugen("eval", "nice/model.safetensors", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        var e = Json(eval);
        Assert.Equal(16, e.GetProperty("n").GetInt32());
        output.WriteLine(eval.LastLine);
        double bpd = e.GetProperty("test_bits_per_dim").GetDouble();
        Assert.InRange(bpd, 4, 20);   // measured 9.67 after 4 steps (8 is a uniform model of 256 levels)
        var sample = Gpugen("sample", "nice/model.safetensors", "--n", "4", "--grid", "n.png", "--npy", "n.npy");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        var pixels = RunFiles.Npy(Path.Combine(dir, "n.npy"), 4, 1, 8, 8);
        RunFiles.Png(Path.Combine(dir, "n.png"));
        Assert.All(pixels, v => Assert.True(v >= 0 && v <= 1));

        var toyVae = Gpugen("train", "vae", "--data", "8gaussians", "--out", "v");
        Assert.Equal(2, toyVae.ExitCode);
        Assert.Contains("8gaussians", toyVae.Stderr);
    }

    [Fact]
    public void Vae_Hidden_SetsTheWidths_AndTheModelSamplesAndEvaluates()
    {
        WriteIdx("train", 32, 5);
        WriteIdx("t10k", 16, 6);
        // 8×8 images, H = 16, latent 2: 64·16+16, 16·8+8, heads 2·(8·2+2), 2·8+8, 8·16+16, 16·64+64.
        const long expected = 1040 + 136 + 36 + 24 + 144 + 1088;
        var train = Gpugen("train", "vae", "--data", "idx:bars", "--hidden", "16", "--latent", "2", "--steps", "3", "--batch", "8", "--out", "v", "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.Equal(expected, Json(train).GetProperty("parameters").GetInt64());
        Assert.Contains("hidden 16", train.Stdout);
        var eval = Gpugen("eval", "v/model.safetensors", "--k", "4", "--no-fd", "--json");
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.True(double.IsFinite(Json(eval).GetProperty("test_elbo_nats").GetDouble()), eval.ToString());
        var sample = Gpugen("sample", "v/model.safetensors", "--n", "3", "--npy", "v.npy");
        Assert.True(sample.ExitCode == 0, sample.ToString());
        RunFiles.Npy(Path.Combine(dir, "v.npy"), 3, 1, 8, 8);

        var odd = Gpugen("train", "vae", "--data", "idx:bars", "--hidden", "7", "--out", "odd");
        Assert.Equal(2, odd.ExitCode);
        Assert.Contains("hidden width must be even", odd.Stderr);
    }
}
