using System.Text.Json;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;
using GpuGen.Tensors;
using GpuGen.Tests.Viewer;

namespace GpuGen.Tests.Cli;

/// <summary>`gpugen view` dispatches on the checkpoint's family: tiny PixelCNN, VAE, CVAE, flow and GAN checkpoints run headless and write frames.</summary>
[Collection("OpenGL")]
public sealed class FamilyViewCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-familyview-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>
    /// `gpugen view` loads through the family registry and shows what has a live view; a family
    /// without one (the classifier) is one line, exit 2, and nothing written.
    /// </summary>
    [Fact]
    public void AFamilyWithoutALiveViewIsOneLine()
    {
        string classifier = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Checkpoints", "classifier.safetensors");
        var result = CliRunner.Run(dir, "view", classifier, "--headless", "frames");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"gpugen: checkpoint {classifier} holds a 'classifier' model, which gpugen view has no live view for", result.Stderr.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "frames")));
    }

    private string Save(string name, Action<string> save)
    {
        string path = Path.Combine(dir, name + ".safetensors");
        save(path);
        return path;
    }

    private JsonElement View(string checkpoint, string frames, int count, params string[] more)
    {
        var result = CliRunner.Run(dir, ["view", checkpoint, "--headless", frames, "--frames", count.ToString(), "--width", "320", "--height", "200", "--json", .. more]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var root = JsonDocument.Parse(result.LastLine).RootElement.Clone();
        Assert.Equal(count, root.GetProperty("frames_written").GetInt32());
        Assert.Equal(root.GetProperty("step_count").GetInt32(), root.GetProperty("last_step").GetInt32());
        for (int i = 0; i < count; i++) RunFiles.Png(Path.Combine(dir, frames, $"frame-{i:D3}.png"), 320, 200);
        RunFiles.Png(Path.Combine(dir, frames, "contact-sheet.png"));
        return root;
    }

    [HeadlessFact]
    public void EveryFamilyRunsHeadlessAndWritesFrames()
    {
        using var dev = Device.Cpu();
        string pcnn = Save("pcnn", p =>
        {
            using var m = PixelCnn.Create(dev, new PixelCnnConfig { Data = "test", Height = 6, Width = 6, Channels = 8, ResidualLayers = 1, Classes = 2 });
            m.Save(p);
        });
        var j = View(pcnn, "fp", 4, "--n", "3", "--class", "1");
        Assert.Equal(("pixelcnn", 36, 3), (j.GetProperty("family").GetString(), j.GetProperty("step_count").GetInt32(), j.GetProperty("n").GetInt32()));

        string vae = Save("vae", p =>
        {
            using var m = Vae.Create(dev, new VaeConfig(false, VaeConfig.Mlp, "test", 1, 8, 8, Latent: 4));
            m.Save(p);
        });
        j = View(vae, "fv", 3, "--steps", "10", "--n", "9");
        Assert.Equal(("vae", 10, 9), (j.GetProperty("family").GetString(), j.GetProperty("step_count").GetInt32(), j.GetProperty("n").GetInt32()));

        string cvae = Save("cvae", p =>
        {
            using var m = Vae.Create(dev, new VaeConfig(true, VaeConfig.Mlp, "test", 1, 8, 8, Classes: 3, Latent: 4));
            m.Save(p);
        });
        j = View(cvae, "fc", 3, "--steps", "6");
        Assert.Equal(("cvae", 24), (j.GetProperty("family").GetString(), j.GetProperty("n").GetInt32())); // 3 class rows of 8

        string flow = Save("flow", p =>
        {
            using var m = Flow.Create(dev, FlowConfig.Toy(FlowConfig.Nice, "moons", layers: 3, hidden: 8));
            m.Save(p);
        });
        j = View(flow, "ff", 3, "--n", "200", "--temperature", "0.5");
        Assert.Equal(("nice", 0.5), (j.GetProperty("family").GetString(), j.GetProperty("temperature").GetDouble()));

        string gan = Save("gan", p =>
        {
            using var m = Gan.Create(dev, new GanConfig { Data = "test", Height = 8, Width = 8, Latent = 8, Batch = 4, Classes = 2 });
            m.Save(p);
        });
        j = View(gan, "fg", 3, "--steps", "5");
        Assert.Equal(("gan", 16), (j.GetProperty("family").GetString(), j.GetProperty("n").GetInt32())); // 2 class rows of 8

        var temperature = CliRunner.Run(dir, "view", vae, "--temperature", "2", "--headless", "x");
        Assert.Equal(2, temperature.ExitCode);
        Assert.Contains("--temperature does not apply", temperature.Stderr);
        var cls = CliRunner.Run(dir, "view", vae, "--class", "1", "--headless", "x");
        Assert.Equal(2, cls.ExitCode);
        Assert.Contains("unconditional", cls.Stderr);
        string toyGan = Save("toygan", p =>
        {
            using var m = Gan.Create(dev, new GanConfig { Data = "8gaussians", Architecture = "mlp", Latent = 2, Hidden = 8, HiddenLayers = 1 });
            m.Save(p);
        });
        var toy = CliRunner.Run(dir, "view", toyGan, "--headless", "x");
        Assert.Equal(2, toy.ExitCode);
        Assert.Contains("--view", toy.Stderr);
    }

    [WindowFact]
    public void TrainGanViewShowsTrainingInAWindow()
    {
        var result = CliRunner.Run(dir, "train", "gan", "--data", "8gaussians", "--steps", "30", "--batch", "32", "--hidden", "16", "--layers", "1",
            "--view", "--view-every", "5", "--view-screenshot", "shots/last.png", "--out", "run", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        RunFiles.Checkpoint(Path.Combine(dir, "run", "model.safetensors"), "gan", 30);
        Assert.Equal(30, JsonDocument.Parse(result.LastLine).RootElement.GetProperty("steps").GetInt32());
        // The window's last frame: its size, and more than one colour (panels, curves, points).
        var shot = RunFiles.Png(Path.Combine(dir, "shots", "last.png"), 1100, 600);
        Assert.True(RunFiles.Colours(shot) > 10, "the saved frame is nearly blank");

        var alone = CliRunner.Run(dir, "train", "gan", "--data", "8gaussians", "--steps", "3", "--view-screenshot", "x.png", "--out", "run2");
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--view-screenshot needs --view", alone.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "run2")), "nothing is written when the options are wrong");
    }
}
