using System.Text.Json;
using GpuGen.Tests.Viewer;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen view` on a 2-D toy diffusion checkpoint trained a few steps in the test.</summary>
[Collection("OpenGL")]
public sealed class ToyViewCliTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"gpugen-toyviewcli-{Guid.NewGuid():N}");

    public ToyViewCliTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, true);

    [HeadlessFact]
    public void HeadlessToyViewWritesFramesAndJson()
    {
        var train = CliRunner.Run(dir, "train", "ddpm", "--data", "8gaussians", "--steps", "4", "--batch", "32", "--hidden", "16", "--layers", "1",
            "--samples", "10", "--out", "run");
        Assert.True(train.ExitCode == 0, train.ToString());
        string ckpt = Path.Combine(dir, "run", "model.safetensors");
        RunFiles.Checkpoint(ckpt, "ddpm-2d", 4);

        var result = CliRunner.Run(dir, "view", ckpt, "--headless", "frames", "--frames", "4", "--sampler", "ddim", "--steps", "6",
            "--width", "400", "--height", "260", "--seed", "9", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.LastLine);
        var root = json.RootElement;
        Assert.Equal("ddpm-2d", root.GetProperty("family").GetString());
        Assert.Equal(20000, root.GetProperty("n").GetInt32()); // the toy default
        Assert.Equal(4, root.GetProperty("frames_written").GetInt32());
        Assert.Equal(6, root.GetProperty("sampling_steps").GetInt32());
        Assert.Equal((6, 6), (root.GetProperty("last_step").GetInt32(), root.GetProperty("step_count").GetInt32()));
        Assert.True(root.GetProperty("headless").GetBoolean());
        for (int i = 0; i < 4; i++) RunFiles.Png(Path.Combine(dir, "frames", $"frame-{i:D3}.png"), 400, 260);
        RunFiles.Png(Path.Combine(dir, "frames", "contact-sheet.png"), 2 * 200 + 3 * 4, 2 * 130 + 3 * 4);

        var conditional = CliRunner.Run(dir, "view", ckpt, "--class", "1", "--headless", "x");
        Assert.Equal(2, conditional.ExitCode);
        Assert.Contains("unconditional", conditional.Stderr);
        var badSteps = CliRunner.Run(dir, "view", ckpt, "--steps", "0", "--headless", "x");
        Assert.Equal(2, badSteps.ExitCode);
        Assert.Contains("--steps must be between 1 and T = 1000", badSteps.Stderr);
    }
}
