using GpuGen.IO;
using GpuGen.Pictures;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Tests.Models;
using GpuGen.Viewer;
using GpuGen.Viewer.Diffusion;

namespace GpuGen.Tests.Viewer;

/// <summary>
/// The sampling thread and the window together: keys pressed through the window's key path pause,
/// single-step and restart the chain; what the viewer shows at x₀ is what batch sampling gives; and
/// the offscreen run writes the frames it promises.
/// </summary>
[Collection("OpenGL")]
public sealed class ChainViewerTests
{
    private static ImageDiffusion TinyModel(Device device, int classes = 0) =>
        ImageDiffusion.Create(device, ImageDiffusionTests.Tiny(classes: classes) with { Timesteps = 40 });

    [WindowFact]
    public void KeysPauseStepAndRestartTheChain()
    {
        using var device = Device.Cpu();
        using var model = TinyModel(device);
        using var surface = ViewerSurface.Open(640, 400, "keys");
        var controls = new ViewerControls(seed: 11, sampler: "ddim");
        surface.Controls = controls;
        var queue = new FrameQueue<DiffusionFrame>();
        using var scene = new DiffusionScene(model.Schedule, 0, "keys");
        using var worker = new ImageChainWorker(model, controls, queue, new ImageChainOptions { N = 6, DdimSteps = 30, Loop = false });

        surface.SimulateKey(ViewerKeys.GlfwSpace); // pause before the first step
        Assert.True(controls.State.Paused);
        worker.Start();
        DiffusionFrame Latest(Func<DiffusionFrame, bool> until)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                surface.PollEvents();
                if (queue.TryTake(out var f)) scene.Apply(f);
                surface.Render((r, area) => scene.Draw(r, area, 0, controls.State));
                if (scene.Frame is { } shown && until(shown)) return shown;
                Thread.Sleep(5);
            }
            throw new TimeoutException("the viewer did not reach the expected state");
        }

        var first = Latest(f => true);
        Assert.Equal(0, first.StepsDone);
        Thread.Sleep(150);
        Assert.Equal(0, Latest(f => true).StepsDone); // paused: no step

        surface.SimulateKey(ViewerKeys.GlfwRight);
        Assert.Equal(1, Latest(f => f.StepsDone >= 1).StepsDone);
        Thread.Sleep(100);
        Assert.Equal(1, Latest(f => true).StepsDone); // exactly one
        surface.SimulateKey(ViewerKeys.GlfwRight);
        surface.SimulateKey(ViewerKeys.GlfwRight);
        Assert.Equal(3, Latest(f => f.StepsDone >= 3).StepsDone);

        surface.SimulateKey(ViewerKeys.GlfwR); // restart with a new seed (still paused)
        var restarted = Latest(f => f.Seed == 12);
        Assert.Equal(0, restarted.StepsDone);

        surface.SimulateKey(ViewerKeys.GlfwSpace); // resume: runs to x₀
        var done = Latest(f => f.Done);
        Assert.Equal((30, 12UL), (done.StepsDone, done.Seed));
        worker.Stop();

        // What the window showed at x₀ is what sampling the whole batch at once gives.
        var expected = model.Sample(6, 12, model.Scheduler("ddim", 30));
        Assert.Equal(expected, done.X);
        RenderTests.CheckPixels(surface.Screenshot(), scene.Grid, expected, 1, 8, 8);
    }

    [HeadlessFact]
    public void OffscreenRunWritesFramesAndAContactSheet()
    {
        using var device = Device.Cpu();
        using var model = TinyModel(device, classes: 2);
        string dir = Path.Combine(Path.GetTempPath(), $"gpugen-view-{Guid.NewGuid():N}");
        try
        {
            using var surface = ViewerSurface.Open(480, 300, headless: true);
            var controls = new ViewerControls(seed: 5, sampler: "ddim", classes: 2, guidance: 2f);
            var report = DiffusionViewer.Run(surface, model, controls, new ImageChainOptions { N = 8, DdimSteps = 12 },
                new ViewRunOptions { HeadlessDir = dir, RecordFrames = 5 });
            Assert.Equal(5, report.FramesWritten.Count);
            Assert.Equal(Enumerable.Range(0, 5).Select(i => Path.Combine(dir, $"frame-{i:D3}.png")), report.FramesWritten);
            Assert.Equal(12, report.SamplingSteps);
            var images = report.FramesWritten.Select(p => Image.Load(p)).ToList();
            Assert.All(images, im => Assert.Equal((480, 300), (im.Width, im.Height)));
            Assert.NotEqual(images[0].Pixels, images[^1].Pixels);
            var sheet = Image.Load(report.ContactSheet!);
            Assert.Equal((3 * 240 + 4 * 4, 2 * 150 + 3 * 4), (sheet.Width, sheet.Height));

            // The last frame shows x₀ of the same chain sampled in one go.
            var expected = model.Sample(8, 5, model.Scheduler("ddim", 12), Enumerable.Range(0, 8).Select(i => i % 2).ToArray(), 2f);
            using var scene = new DiffusionScene(model.Schedule, 2, "GpuGen");
            scene.Apply(new DiffusionFrame
            {
                X = expected, N = 8, Channels = 1, Height = 8, Width = 8, StepsDone = 12, StepCount = 12, Timestep = -1, AlphaBar = 1,
                Sampler = "ddim", Seed = 5, ClassIndex = -1, Guidance = 2, Generation = 0, Chain = [], ChainLabels = [], ChainRows = 4, StepsPerSecond = 0,
            });
            surface.Render((r, area) => scene.Draw(r, area, 0, controls.State));
            RenderTests.CheckPixels(images[^1], scene.Grid, expected, 1, 8, 8);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
