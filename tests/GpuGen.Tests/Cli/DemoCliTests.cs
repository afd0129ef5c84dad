using System.Text.Json;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Tests.Models;
using GpuGen.Training;
using GpuGen.Tests.Viewer;

namespace GpuGen.Tests.Cli;

/// <summary>
/// `gpugen demo` on images, offscreen: shows the shipped float16 model (models/…) without training;
/// without that file (or with --train) trains a few steps, saves the model, writes the frames.
/// </summary>
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
        RunFiles.Checkpoint(Path.Combine(dir, "demo", "model.safetensors"), "ddpm-image", 3);
        Assert.Contains("3 steps; wrote", result.Stdout);
        for (int i = 0; i < 2; i++) RunFiles.Png(Path.Combine(dir, "frames", $"frame-{i:D3}.png"), 320, 200);
    }

    [HeadlessFact]
    public void DemoShowsTheShippedModelWithoutTraining()
    {
        // A tiny class-conditional Fashion-MNIST-shaped model, exported as the demo ships it.
        string full = Path.Combine(dir, "tiny.safetensors");
        using (var device = Device.Cpu())
        using (var model = ImageDiffusion.Create(device, ImageDiffusionTests.Tiny(classes: 10) with { Height = 28, Width = 28, Data = "fashion-mnist" }))
            model.Save(full);
        CheckpointExport.ToFloat16(full, Path.Combine(dir, "models", "ddpm-fashion-mnist.safetensors"));

        var result = CliRunner.Run(dir, ["demo", "--out", "demo", "--headless", "frames", "--frames", "2", "--steps", "3",
            "--width", "320", "--height", "200", "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("models/ddpm-fashion-mnist.safetensors (fashion-mnist, step 0)", result.Stdout);
        Assert.DoesNotContain("training", result.Stdout);
        Assert.False(File.Exists(Path.Combine(dir, "demo", "model.safetensors")));   // nothing trained, nothing saved
        Assert.Equal(2, JsonDocument.Parse(result.LastLine).RootElement.GetProperty("frames_written").GetInt32());
        for (int i = 0; i < 2; i++) RunFiles.Png(Path.Combine(dir, "frames", $"frame-{i:D3}.png"), 320, 200);

        // --train ignores the shipped file (the positive control of the line above: training does say so).
        var trained = CliRunner.Run(dir, ["demo", "--train", "--max-steps", "2", "--out", "demo", "--headless", "frames2", "--frames", "2",
            "--steps", "3", "--n", "4", "--width", "320", "--height", "200"]);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        Assert.Contains("training for up to", trained.Stdout);
        RunFiles.Checkpoint(Path.Combine(dir, "demo", "model.safetensors"), "ddpm-image", step: null);   // up to 2 steps, as the time allows
        RunFiles.Png(Path.Combine(dir, "frames2", "frame-000.png"), 320, 200);
    }

    [HeadlessFact]
    public void DemoWithoutTheShippedModelSaysSoAndTrains()
    {
        var result = CliRunner.Run(dir, ["demo", "--max-steps", "1", "--seconds", "1", "--out", "demo", "--headless", "frames",
            "--frames", "1", "--steps", "2", "--n", "2", "--width", "320", "--height", "200"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("no trained model at models/ddpm-fashion-mnist.safetensors: training a small one", result.Stdout);
        Assert.Contains("1 steps; wrote", result.Stdout);
        RunFiles.Checkpoint(Path.Combine(dir, "demo", "model.safetensors"), "ddpm-image", 1);
        RunFiles.Png(Path.Combine(dir, "frames", "frame-000.png"), 320, 200);
    }

    [Fact]
    public void DemoRefusesTrainWithCheckpoint()
    {
        var result = CliRunner.Run(dir, ["demo", "--train", "--checkpoint", "x.safetensors"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--train and --checkpoint: pick one", result.Stderr);
    }
}
