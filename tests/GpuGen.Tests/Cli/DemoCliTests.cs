using System.Text.Json;
using GpuGen.Tests.Models;
using GpuGen.Tests.Viewer;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen demo` on images, offscreen: trains a few steps on a generated IDX set, saves the model, writes the frames it would have shown.</summary>
[Collection("OpenGL")]
public sealed class DemoCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-demo-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    [HeadlessFact]
    public void DemoTrainsSavesAndWritesFramesWithItsOwnJson()
    {
        string data = SyntheticShapes.WriteIdx(Path.Combine(dir, "shapes"), 64, 8, seed: 5);
        var result = CliRunner.Run(dir, ["demo", "--data", data, "--max-steps", "3", "--seconds", "60", "--out", "demo",
            "--headless", "frames", "--frames", "2", "--steps", "4", "--n", "4", "--width", "320", "--height", "200", "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonDocument.Parse(result.LastLine).RootElement;
        Assert.Equal("demo", json.GetProperty("command").GetString());
        Assert.Equal(2, json.GetProperty("frames_written").GetInt32());
        Assert.True(json.GetProperty("headless").GetBoolean());
        Assert.True(File.Exists(Path.Combine(dir, "demo", "model.safetensors")), "demo/model.safetensors");
        Assert.Contains("3 steps; wrote", result.Stdout);
        for (int i = 0; i < 2; i++) Assert.True(File.Exists(Path.Combine(dir, "frames", $"frame-{i:D3}.png")), $"frames/frame-{i:D3}.png");
    }
}
