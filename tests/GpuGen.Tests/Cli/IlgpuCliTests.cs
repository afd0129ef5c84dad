using System.Text.Json;
using GpuGen.IO;

namespace GpuGen.Tests.Cli;

/// <summary>The command line on ILGPU's CPU accelerator: the same commands give what they give on `cpu`.</summary>
public class IlgpuCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-ilgpu-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // ILGPU's CPU accelerator launches in ~0.4 ms and multiplies at ~0.05 GFLOP/s: the 1000-step DDPM
    // chain behind samples.png alone is ~20,000 launches, so these runs get 10 minutes, not 3.
    private CliRunner.Result Gpugen(params string[] args) => CliRunner.RunSlow(dir, TimeSpan.FromMinutes(10), args);

    [Fact]
    public void TrainAndDdimSampleOnIlgpuCpuMatchTheCpu()
    {
        var losses = new Dictionary<string, float[]>();
        var samples = new Dictionary<string, float[]>();
        foreach (string device in new[] { "cpu", "ilgpu-cpu" })
        {
            var train = Gpugen("train", "ddpm", "--data", "8gaussians", "--device", device, "--steps", "30", "--batch", "128", "--seed", "1",
                "--samples", "16", "--out", $"run-{device}", "--json");
            Assert.True(train.ExitCode == 0, train.ToString());
            using (var doc = JsonDocument.Parse(train.LastLine)) Assert.Equal(device, doc.RootElement.GetProperty("device").GetString());
            losses[device] = Npy.ReadFloat32(Path.Combine(dir, $"run-{device}", "loss.npy"), out _);

            var sample = Gpugen("sample", $"run-{device}/model.safetensors", "--device", device, "--sampler", "ddim", "--steps", "20",
                "--n", "256", "--seed", "2", "--npy", $"s-{device}.npy");
            Assert.True(sample.ExitCode == 0, sample.ToString());
            samples[device] = Npy.ReadFloat32(Path.Combine(dir, $"s-{device}.npy"), out var shape);
            Assert.Equal([256, 2], shape);
        }
        // Same seed, same weights, batches, timesteps and noise (Philox, bit-identical); only float32 rounding
        // differs (the device sums in other orders). The loss curve over 30 steps and the DDIM samples agree to
        // float tolerance; a wrong kernel moves the loss by ≥ 1e-3 at once (see ToyDiffusionDeviceTests).
        Assert.Equal(30, losses["cpu"].Length);
        for (int i = 0; i < 30; i++)
            Assert.True(Math.Abs(losses["cpu"][i] - losses["ilgpu-cpu"][i]) <= 1e-4 * Math.Abs(losses["cpu"][i]),
                $"step {i}: loss {losses["cpu"][i]} on cpu, {losses["ilgpu-cpu"][i]} on ilgpu-cpu");
        double worst = samples["cpu"].Zip(samples["ilgpu-cpu"], (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 2e-3, $"DDIM samples differ by up to {worst}");
        // Agreement to 2e-3 means something only if the samples spread: the 8 modes sit at radius 2.
        Assert.True(samples["cpu"].Max() - samples["cpu"].Min() > 1, "the samples should spread over the modes");
    }
}
