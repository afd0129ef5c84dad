using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Viewer;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Toy;

namespace GpuGen.Tests.Viewer;

/// <summary>
/// The 2-D toy viewer: offscreen it writes the frames it promises, and the points it shows at x₀
/// are what batch sampling with the same seed, sampler and (EMA) weights gives.
/// </summary>
[Collection("OpenGL")]
public sealed class ToyViewerTests
{
    /// <summary>A small ε-MLP trained a few steps, so that the EMA weights differ from the live ones.</summary>
    private static ToyDiffusion TinyModel(Device device, ulong seed)
    {
        var model = ToyDiffusion.Create(device, new ToyDiffusionConfig(Data: "8gaussians", Hidden: 16, HiddenLayers: 1, EmbeddingDim: 8,
            Timesteps: 60, Batch: 64, Seed: seed, EmaDecay: 0.5f));
        for (int i = 0; i < 3; i++) model.TrainStep();
        return model;
    }

    [HeadlessTheory]
    [InlineData("ddim", 10)]
    [InlineData("ddpm", 0)]
    public void OffscreenRunWritesFramesAndEndsAtBatchSamples(string sampler, int steps)
    {
        using var device = Device.Cpu();
        ulong seed = sampler == "ddim" ? 7191u : 5023u;
        using var model = TinyModel(device, seed);
        string dir = Path.Combine(Path.GetTempPath(), $"gpugen-toyview-{Guid.NewGuid():N}");
        try
        {
            using var surface = ViewerSurface.Open(480, 300, headless: true);
            var controls = new ViewerControls(seed: seed, sampler: sampler);
            ToyFrame? last = null;
            var report = ToyViewer.Run(surface, model, controls, new ToyChainOptions { N = 3000, DdimSteps = steps, DdpmSteps = steps },
                new ViewRunOptions { HeadlessDir = dir, RecordFrames = 5 }, null, f => last = f);
            int count = sampler == "ddim" ? 10 : 60;
            Assert.Equal(Enumerable.Range(0, 5).Select(i => Path.Combine(dir, $"frame-{i:D3}.png")), report.FramesWritten);
            Assert.Equal(count, report.SamplingSteps);
            var images = report.FramesWritten.Select(p => Image.Load(p)).ToList();
            Assert.All(images, im => Assert.Equal((480, 300), (im.Width, im.Height)));
            Assert.NotEqual(images[0].Pixels, images[^1].Pixels);
            Assert.True(File.Exists(report.ContactSheet));

            // The last frame is x₀ of the chain sampled in one go with the EMA weights.
            Assert.NotNull(last);
            Assert.True(last.Done);
            Assert.Equal((count, count, -1, seed), (last.StepsDone, last.StepCount, last.Timestep, last.Seed));
            var expected = model.Sample(3000, seed, useEma: true, ToyChainWorker.Scheduler(model, sampler, steps, 0f));
            Assert.Equal(expected, last.Points);
            var live = model.Sample(3000, seed, useEma: false, ToyChainWorker.Scheduler(model, sampler, steps, 0f));
            Assert.NotEqual(live, last.Points);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [HeadlessTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void CloudShowsThePointsOfTheFrame(bool splatOnCpu)
    {
        using var device = Device.Cpu();
        using var model = TinyModel(device, 3);
        using var surface = ViewerSurface.Open(480, 300, headless: true);
        using var scene = new ToyScene(model.Schedule, model.DataSample(2000, 1), "8gaussians", "cloud");
        scene.Cloud.SplatOnCpu = splatOnCpu;
        scene.Cloud.PointSize = 3;
        scene.Cloud.PointColor = Color.FromBytes(255, 255, 255);
        var rng = new System.Random(7);
        var points = Enumerable.Range(0, 40).SelectMany(_ => new[] { (float)(rng.NextDouble() * 6 - 3), (float)(rng.NextDouble() * 6 - 3) }).ToArray();
        scene.Apply(new ToyFrame { Points = points, N = 40, StepsDone = 3, StepCount = 10, Timestep = 20, AlphaBar = 0.5, Sampler = "ddim", Seed = 1, Generation = 0, StepsPerSecond = 0 });
        var shot = surface.RenderCaptured((r, area) => scene.Draw(r, area, 0, null));
        var view = scene.Cloud.View;
        var (lo, hi) = scene.Cloud.Bounds;
        for (int i = 0; i < points.Length; i += 2)
        {
            int x = (int)(view.X + (points[i] - lo) / (hi - lo) * view.W), y = (int)(view.Y + (hi - points[i + 1]) / (hi - lo) * view.H);
            int j = (y * shot.Width + x) * shot.Channels;
            Assert.True(shot.Pixels[j] > 240 && shot.Pixels[j + 1] > 240 && shot.Pixels[j + 2] > 240, $"point {i / 2} at ({x}, {y}) is not drawn");
        }

        // Only what changed travels: a frame with the same points uploads nothing; new points go up once.
        long uploaded = scene.Cloud.BytesUploaded;
        surface.Render((r, area) => scene.Draw(r, area, 0, null));
        Assert.Equal(uploaded, scene.Cloud.BytesUploaded);
        scene.Apply(new ToyFrame { Points = points.Select(v => -v).ToArray(), N = 40, StepsDone = 4, StepCount = 10, Timestep = 10, AlphaBar = 0.7, Sampler = "ddim", Seed = 1, Generation = 0, StepsPerSecond = 0 });
        surface.Render((r, area) => scene.Draw(r, area, 0, null));
        int side = (int)scene.Cloud.View.W;
        Assert.Equal(uploaded + (splatOnCpu ? side * side * 4L : points.Length * 4L), scene.Cloud.BytesUploaded);
    }

    [WindowFact]
    public void ScrubbingShowsAnyComputedStepAgain()
    {
        using var device = Device.Cpu();
        using var model = TinyModel(device, 5);
        using var surface = ViewerSurface.Open(480, 300, "scrub");
        var controls = new ViewerControls(seed: 5, sampler: "ddim");
        var shown = new List<(int Run, int Step)>();
        var keys = new Thread(() =>
        {
            // Let the 10-step chain finish (it is held, not restarted: no loop), then walk back through it.
            Thread.Sleep(1500);
            surface.SimulateKey(ViewerKeys.GlfwHome);
            Thread.Sleep(300);
            surface.SimulateKey(ViewerKeys.GlfwRight);
            surface.SimulateKey(ViewerKeys.GlfwRight);
            surface.SimulateKey(ViewerKeys.GlfwRight);
            Thread.Sleep(300);
            surface.SimulateKey(ViewerKeys.GlfwLeft);
            Thread.Sleep(300);
            surface.SimulateKey(ViewerKeys.GlfwEscape);
        });
        keys.Start();
        ToyFrame? last = null;
        var report = ToyViewer.Run(surface, model, controls, new ToyChainOptions { N = 500, DdimSteps = 10, Loop = false },
            new ViewRunOptions { MaxFramesPerSecond = 60 }, null, f => last = f);
        keys.Join();
        Assert.Equal(10, report.SamplingSteps);
        // Home → x_T, three steps forward, one back: the window shows the state after 2 steps of the chain it computed.
        Assert.NotNull(last);
        Assert.Equal((2, 10, 5UL), (last.StepsDone, last.StepCount, last.Seed));
        Assert.Equal(ToyChainWorker.Scheduler(model, "ddim", 10, 0f).Timesteps[2], last.Timestep);
        Assert.Equal(2 * 500, last.Points.Length);
        Assert.True(controls.State.Paused);
        Assert.Equal(2, controls.State.Scrub);
    }
}

/// <summary>A theory that needs an offscreen OpenGL context through EGL; skipped with the reason where there is none.</summary>
public sealed class HeadlessTheoryAttribute : TheoryAttribute
{
    public override string? Skip
    {
        get => new HeadlessFactAttribute().Skip;
        set { }
    }
}
