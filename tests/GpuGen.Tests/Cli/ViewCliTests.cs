using System.Text.Json;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Tests.Models;
using GpuGen.Tests.Viewer;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen view`: offscreen frames, a scripted window run, and the message when there is no window.</summary>
[Collection("OpenGL")]
public sealed class ViewCliTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), $"gpugen-viewcli-{Guid.NewGuid():N}");

    public ViewCliTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, true);

    private string TinyCheckpoint()
    {
        using var device = Device.Cpu();
        using var model = ImageDiffusion.Create(device, ImageDiffusionTests.Tiny(classes: 2) with { Timesteps = 30 });
        string path = Path.Combine(dir, "tiny.safetensors");
        model.Save(path);
        return path;
    }

    [HeadlessFact]
    public void HeadlessWritesFramesAndJson()
    {
        string ckpt = TinyCheckpoint();
        var result = CliRunner.Run(dir, "view", ckpt, "--headless", "frames", "--frames", "4", "--steps", "6", "--n", "6", "--class", "1",
            "--width", "400", "--height", "260", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.LastLine);
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("frames_written").GetInt32());
        Assert.Equal(6, root.GetProperty("sampling_steps").GetInt32());
        Assert.True(root.GetProperty("headless").GetBoolean());
        for (int i = 0; i < 4; i++) RunFiles.Png(Path.Combine(dir, "frames", $"frame-{i:D3}.png"), 400, 260);
        RunFiles.Png(Path.Combine(dir, "frames", "contact-sheet.png"), 2 * 200 + 3 * 4, 2 * 130 + 3 * 4);
    }

    [WindowFact]
    public void ScriptedWindowRunSavesAScreenshot()
    {
        string ckpt = TinyCheckpoint();
        var result = CliRunner.Run(dir, "view", ckpt, "--frames", "10", "--screenshot", "shot.png", "--steps", "5", "--n", "4",
            "--width", "500", "--height", "300", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.LastLine);
        Assert.Equal(10, json.RootElement.GetProperty("frames").GetInt32());
        Assert.True(json.RootElement.GetProperty("frames_per_s").GetDouble() > 0);
        RunFiles.Png(Path.Combine(dir, "shot.png"), 500, 300);
    }

    [HeadlessFact]
    public void ViewBenchPrintsEveryMeasurementInOneJsonObject()
    {
        var result = CliRunner.Run(dir, "view-bench", "--seconds", "0.2", "--repeats", "1", "--steps", "2", "--n", "4", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.LastLine);
        var root = json.RootElement;
        foreach (string key in new[]
                 {
                     "offscreen_bare_fps", "offscreen_grid_fps", "offscreen_cloud_fps", "offscreen_diffusion_window_fps", "offscreen_diffusion_window_cpu_ms", "offscreen_training_window_fps",
                     "sampling_steps_per_s_off", "sampling_steps_per_s_on", "sampling_window_fps", "sampling_window_render_capacity_fps", "cpu_cost_ratio",
                     "toy_steps_per_s_off", "toy_steps_per_s_on", "toy_window_fps", "toy_window_render_capacity_fps", "toy_cpu_cost_ratio", "sampling_min_fps",
                 })
        {
            double v = root.GetProperty(key).GetDouble();
            Assert.True(double.IsFinite(v) && v > 0, $"{key} = {v}");
        }
        Assert.Equal(GpuGen.Viewer.Diffusion.ViewRunOptions.DefaultDisplayShare, root.GetProperty("sampling_display_share").GetDouble());
    }

    [Fact]
    public void NoDisplayIsAClearErrorSuggestingHeadless()
    {
        string ckpt = TinyCheckpoint();
        var result = CliRunner.RunWithEnvironment(dir, new Dictionary<string, string?> { ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null }, "view", ckpt);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--headless", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        var unconditional = CliRunner.Run(dir, "view", ckpt, "--class", "7", "--headless", "x");
        Assert.Equal(2, unconditional.ExitCode);
        Assert.Contains("--class must be between 0 and 1", unconditional.Stderr);
        var share = CliRunner.Run(dir, "view", ckpt, "--display-share", "0", "--headless", "x");
        Assert.Equal(2, share.ExitCode);
        Assert.Contains("--display-share must be in (0, 1], got 0", share.Stderr);
        var floor = CliRunner.Run(dir, "view", ckpt, "--min-fps", "-1", "--headless", "x");
        Assert.Equal(2, floor.ExitCode);
        Assert.Contains("--min-fps must be 0 or more, got -1", floor.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "x")), "nothing is written before the options are checked");
    }
}
