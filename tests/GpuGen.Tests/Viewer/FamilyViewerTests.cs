using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;
using GpuGen.Models.Views;
using GpuGen.Pictures;
using GpuGen.Tensors;
using GpuGen.Training;
using GpuGen.Viewer;
using GpuGen.Viewer.Flows;
using GpuGen.Viewer.Latent;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.PixelCnn;
using GpuGen.Viewer.Rendering;
using GpuGen.Viewer.Stepping;
using GpuGen.Viewer.Training;

namespace GpuGen.Tests.Viewer;

/// <summary>
/// The PixelCNN, latent (VAE, CVAE, GAN) and flow views: the sampling threads post what the models
/// compute (the last frame is what batch sampling gives), and what the scenes draw, read back with
/// glReadPixels, is what the frames hold — for PixelCNN exactly the pixels drawn so far, the rest covered.
/// </summary>
[Collection("OpenGL")]
public sealed class FamilyViewerTests
{
    private static readonly SteppedOptions Once = new() { Loop = false };

    /// <summary>Runs a stepped worker through one run and returns every frame it posted.</summary>
    private static List<T> Collect<T>(SteppedWorker<T> worker, FrameQueue<T> queue) where T : class
    {
        var frames = new List<T>();
        worker.Start();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (queue.TryTake(out var f, TimeSpan.FromMilliseconds(50))) frames.Add(f);
            else if (worker.Finished) break;
        }
        worker.Stop();
        return frames;
    }

    [HeadlessFact]
    public void PixelCnnRasterFrameShowsExactlyThePixelsSampledSoFar()
    {
        using var device = Device.Cpu();
        var config = new PixelCnnConfig { Data = "test", Height = 8, Width = 7, Channels = 8, ResidualLayers = 1, Classes = 2, Batch = 4, Seed = 31 };
        using var model = PixelCnn.Create(device, config);
        ulong seed = 532;
        var controls = new ViewerControls(seed);
        var queue = new FrameQueue<PixelCnnFrame>(4, lossless: true);
        using var worker = new PixelCnnWorker(model, 5, -1, controls, queue, Once);
        var frames = Collect(worker, queue);
        Assert.Equal(Enumerable.Range(0, 57), frames.Select(f => f.StepsDone));
        var expected = model.Sample(5, seed);
        Assert.Equal(expected, frames[^1].Images);
        Assert.Equal([0, 1, 0, 1, 0], frames[^1].Labels!);

        using var surface = ViewerSurface.Open(700, 420, headless: true);
        using var scene = new PixelCnnScene("raster", 2);
        var rng = new System.Random(33);
        foreach (int k in new[] { 0, rng.Next(1, 7), rng.Next(7, 56), 56 })
        {
            var f = frames[k];
            for (int i = 0; i < 5; i++)
                for (int p = 0; p < 56; p++)
                    Assert.Equal(p < k ? expected[i * 56 + p] : 0, f.Images[i * 56 + p]);
            scene.Apply(f);
            var shot = surface.RenderCaptured((r, area) => scene.Draw(r, area, 0, controls.State));
            PanelPixels.Check(shot, scene.Grid.Tiles, f.Floats(), 1, 8, 7, 0, 1, filled: k, pending: scene.Grid.PendingColor);
            PanelPixels.Check(shot, scene.Zoom.Tiles, f.Floats().AsSpan(0, 56).ToArray(), 1, 8, 7, 0, 1, filled: k, pending: scene.Zoom.PendingColor);
            Assert.Equal(k < 56 ? (k / 7, k % 7) : null, scene.Grid.Next);
        }
    }

    [WindowFact]
    public void KeysStepThePixelCnnOnePixelAtATime()
    {
        using var device = Device.Cpu();
        using var model = PixelCnn.Create(device, new PixelCnnConfig { Data = "test", Height = 5, Width = 5, Channels = 8, ResidualLayers = 1 });
        using var surface = ViewerSurface.Open(500, 320, "pixelcnn keys");
        var controls = new ViewerControls(seed: 4, paused: true);
        surface.Controls = controls;
        var queue = new FrameQueue<PixelCnnFrame>();
        using var scene = new PixelCnnScene("keys", 0);
        using var worker = new PixelCnnWorker(model, 3, -1, controls, queue, Once);
        worker.Start();
        PixelCnnFrame Latest(Func<PixelCnnFrame, bool> until)
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

        Assert.Equal(0, Latest(f => true).StepsDone);
        Thread.Sleep(100);
        Assert.Equal(0, Latest(f => true).StepsDone); // paused
        surface.SimulateKey(ViewerKeys.GlfwRight);
        surface.SimulateKey(ViewerKeys.GlfwRight);
        Assert.Equal(2, Latest(f => f.StepsDone >= 2).StepsDone);
        Thread.Sleep(100);
        Assert.Equal(2, Latest(f => true).StepsDone); // exactly two pixels
        surface.SimulateKey(ViewerKeys.GlfwR);
        Assert.Equal((0, 5UL), Latest(f => f.Seed == 5) is var r ? (r.StepsDone, r.Seed) : default);
        surface.SimulateKey(ViewerKeys.GlfwSpace);
        var done = Latest(f => f.Done);
        worker.Stop();
        Assert.Equal(model.Sample(3, 5), done.Images);
        PanelPixels.Check(surface.Screenshot(), scene.Grid.Tiles, done.Floats(), 1, 5, 5, 0, 1);
    }

    [HeadlessFact]
    public void VaeLatentGridDecodesTheWalkAndShowsIt()
    {
        using var device = Device.Cpu();
        using var model = Vae.Create(device, new VaeConfig(false, VaeConfig.Mlp, "test", 1, 6, 5, Latent: 3, Seed: 34));
        var spec = new LatentViewSpec
        {
            Decode = model.DecodePrior, Model = "vae", Latent = 3, Channels = 1, Height = 6, Width = 5, Side = 4, Dim1 = 2, Dim2 = 0, Steps = 6,
        };
        var controls = new ViewerControls(5);
        var queue = new FrameQueue<LatentFrame>(4, lossless: true);
        using var worker = new LatentWorker(spec, controls, queue, Once);
        var frames = Collect(worker, queue);
        Assert.Equal(Enumerable.Range(0, 7), frames.Select(f => f.StepsDone));
        var walk = spec.Walk(5);
        using var surface = ViewerSurface.Open(640, 400, headless: true);
        using var scene = new LatentScene(spec, "vae");
        foreach (var f in new[] { frames[0], frames[3], frames[^1] })
        {
            var z = walk.At(spec.Theta(f.StepsDone));
            Assert.Equal(z, f.Z);
            for (int i = 0; i < 16; i++)
            {
                Assert.Equal(walk.Axis(i % 4), z[i * 3 + 2]); // dim 2 across
                Assert.Equal(-walk.Axis(i / 4), z[i * 3]); // dim 0 up
            }
            Assert.Equal(model.DecodePrior(z, null), f.Images);
            scene.Apply(f);
            PanelPixels.Check(surface.RenderCaptured((r, area) => scene.Draw(r, area, 0, null)), scene.Grid.Tiles, f.Images, 1, 6, 5, 0, 1);
        }
        Assert.Equal(frames[0].Z, frames[^1].Z, new FloatTolerance(1e-5f)); // one whole turn
    }

    [Fact]
    public void LatentGridPicksTheDimsTheDecoderUses()
    {
        var rng = new System.Random(35);
        int latent = 6, strong = rng.Next(latent), weak = (strong + 1 + rng.Next(latent - 1)) % latent;
        // A decoder of 3 "pixels" that reads only two dims, one twice as strongly as the other.
        float[] Decode(float[] z, int[]? labels)
        {
            Assert.Null(labels);
            int n = z.Length / latent;
            var x = new float[n * 3];
            for (int i = 0; i < n; i++)
            {
                x[i * 3] = 2 * z[i * latent + strong];
                x[i * 3 + 1] = z[i * latent + weak];
                x[i * 3 + 2] = 0.5f;
            }
            return x;
        }
        Assert.Equal((strong, weak), LatentDims.MostInfluential(Decode, latent));
    }

    [HeadlessFact]
    public void CvaeClassRowsShareOneLatentPath()
    {
        using var device = Device.Cpu();
        using var model = Vae.Create(device, new VaeConfig(true, VaeConfig.Mlp, "test", 1, 4, 4, Classes: 3, Latent: 2, Seed: 9));
        var spec = new LatentViewSpec
        {
            Decode = model.DecodePrior, Model = "cvae", Latent = 2, Channels = 1, Height = 4, Width = 4, Layout = LatentLayout.ClassRows, Columns = 5, Classes = 3, Steps = 4,
        };
        var walk = spec.Walk(1);
        var labels = spec.Labels(walk)!;
        Assert.Equal(15, walk.Count);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => i / 5), labels);
        var z = walk.At(0.3);
        for (int row = 1; row < 3; row++) Assert.Equal(z.AsSpan(0, 10).ToArray(), z.AsSpan(row * 10, 10).ToArray());
        var images = model.DecodePrior(z, labels);
        Assert.Equal(images.AsSpan(5 * 16, 16).ToArray(), model.DecodePrior(z.AsSpan(0, 2).ToArray(), [1]));
        Assert.NotEqual(images.AsSpan(0, 16).ToArray(), images.AsSpan(5 * 16, 16).ToArray()); // the class changes the image

        using var surface = ViewerSurface.Open(500, 360, headless: true);
        using var scene = new LatentScene(spec, "cvae");
        scene.Apply(new LatentFrame { Images = images, Z = z, N = 15, StepsDone = 1, StepCount = 4, Theta = 0.3, Seed = 1, Labels = labels, Generation = 0, StepsPerSecond = 0 });
        PanelPixels.Check(surface.RenderCaptured((r, area) => scene.Draw(r, area, 0, null)), scene.Grid.Tiles, images, 1, 4, 4, 0, 1);
        var t = scene.Grid.Tiles;
        Assert.True(t[4].Y == t[0].Y && t[5].Y > t[0].Y, "five images per row, one row per class");
    }

    [HeadlessFact]
    public void GanWalkShowsGeneratorImages()
    {
        using var device = Device.Cpu();
        using var model = Gan.Create(device, new GanConfig { Data = "test", Height = 8, Width = 8, Latent = 16, Batch = 8, Seed = 3 });
        var spec = new LatentViewSpec
        {
            Decode = model.Generate, Model = "gan", Latent = 16, Channels = 1, Height = 8, Width = 8, Low = -1, High = 1, Layout = LatentLayout.Walks, Columns = 6, Steps = 3,
        };
        var queue = new FrameQueue<LatentFrame>(4, lossless: true);
        using var worker = new LatentWorker(spec, new ViewerControls(2), queue, Once);
        var frames = Collect(worker, queue);
        Assert.Equal(4, frames.Count);
        var f = frames[2];
        Assert.Equal(model.Generate(spec.Walk(2).At(spec.Theta(2))), f.Images);
        Assert.NotEqual(frames[1].Images, f.Images);
        using var surface = ViewerSurface.Open(600, 380, headless: true);
        using var scene = new LatentScene(spec, "gan");
        scene.Apply(f);
        RenderTests.CheckPixels(surface.RenderCaptured((r, area) => scene.Draw(r, area, 0, null)), scene.Grid, f.Images, 1, 8, 8);
    }

    [HeadlessFact]
    public void TrainingSceneShowsTheNewestPreviewAndACurvePerSeries()
    {
        var monitor = new TrainingMonitor(100, "training gan");
        TrainingSeries[] series = [new("D loss", "loss_d", "D loss"), new("G loss", "loss_g", "G loss"), new("D(real)", "d_real", "D(real)"), new("D(fake)", "d_fake", "D(fake)")];
        monitor.Begin(series);
        for (int s = 1; s <= 30; s++) monitor.Report(s, 1.4f - 0.01f * s, 0.7f + 0.02f * s, 0.6f, 0.4f);
        var stale = RenderTests.RandomImages(9, 1, 8, 8, 35);
        var images = RenderTests.RandomImages(9, 1, 8, 8, 36);
        monitor.Previews.Post(TrainingPreview.Images(stale, 9, 1, 8, 8, 20, "G(z), fixed z"));
        monitor.Previews.Post(TrainingPreview.Images(images, 9, 1, 8, 8, 25, "G(z), fixed z"));
        using var scene = new TrainingScene(monitor);
        Assert.True(scene.Update());
        using var surface = ViewerSurface.Open(800, 480, headless: true);
        RenderTests.CheckPixels(surface.RenderCaptured((r, area) => scene.Draw(r, area, 0)), scene.Grid, images, 1, 8, 8);
        Assert.Equal("G(z), fixed z at step 25", scene.Grid.Title);
        Assert.Equal(series.Select(x => $"{x.Title} (raw, smoothed)"), scene.Curves.Select(c => c.Title));
        Assert.False(scene.Update()); // nothing new since
        monitor.Report(31, 1f, 1f, 0.5f, 0.5f);
        Assert.True(scene.Update());
    }

    [HeadlessFact]
    public void TrainingSceneDrawsToyPointsOverTheData()
    {
        var monitor = new TrainingMonitor(10, "training gan on 8gaussians");
        monitor.Begin([TrainingSeries.Loss("loss")]);
        monitor.Report(1, 0.5f);
        float[] data = ToyData.Sample("8gaussians", 2000, 3), samples = ToyData.Sample("moons", 500, 4);
        monitor.Previews.Post(TrainingPreview.Cloud(samples, 1, "G(z), fixed z") with { Backdrop = data });
        using var scene = new TrainingScene(monitor);
        scene.Update();
        Assert.Equal(500, scene.Cloud.Count);
        Assert.Equal("G(z), fixed z at step 1, over the data", scene.Cloud.Title);
        Assert.Single(scene.Curves);
    }

    [HeadlessFact]
    public void ImageFlowGoesFromZToWhatSamplingGives()
    {
        using var device = Device.Cpu();
        var pixels = new byte[16 * 36];
        new System.Random(37).NextBytes(pixels);
        var data = new Dataset(pixels, 16, 1, 6, 6, name: "test");
        using var model = Flow.Create(device, new FlowConfig(FlowConfig.RealNvp, "test", 1, 6, 6, Layers: 3, Hidden: 12, HiddenLayers: 1, Batch: 8, Seed: 4), data);
        model.TrainStep(); // data-dependent init, so the layers are not the identity
        ulong seed = 538;
        var queue = new FrameQueue<FlowFrame>(4, lossless: true);
        using var worker = new FlowWorker(model, 6, 0.8f, new ViewerControls(seed), queue, Once);
        var frames = Collect(worker, queue);
        Assert.Equal(model.Network.Layers.Count + 1, frames.Count);
        Assert.Equal(model.Sample(6, 0.8f, seed), frames[^1].X);
        Assert.Equal(frames[0].Z, frames[^1].Z);
        Assert.NotEqual(frames[1].X, frames[^1].X);
        using var surface = ViewerSurface.Open(640, 420, headless: true);
        using var scene = new FlowScene(model.Config, "flow");
        foreach (var f in new[] { frames[1], frames[^1] })
        {
            scene.Apply(f);
            var shot = surface.RenderCaptured((r, area) => scene.Draw(r, area, 0, null));
            PanelPixels.Check(shot, scene.ZGrid!.Tiles, f.Z, 1, 6, 6, -2.5f, 2.5f);
            PanelPixels.Check(shot, scene.XGrid!.Tiles, f.X, 1, 6, 6, 0, 1);
        }
    }

    [HeadlessFact]
    public void ToyFlowPointsMoveThroughTheLayersToTheSamples()
    {
        using var device = Device.Cpu();
        using var model = Flow.Create(device, FlowConfig.Toy(FlowConfig.RealNvp, "moons", layers: 4, hidden: 8, batch: 64, seed: 2));
        for (int i = 0; i < 3; i++) model.TrainStep();
        var queue = new FrameQueue<FlowFrame>(4, lossless: true);
        using var worker = new FlowWorker(model, 500, 1f, new ViewerControls(3), queue, Once);
        var frames = Collect(worker, queue);
        Assert.Equal(5, frames.Count);
        Assert.Equal(frames[0].Z, frames[0].X);
        Assert.Equal(model.Sample(500, 1f, 3), frames[^1].X);
        using var surface = ViewerSurface.Open(600, 400, headless: true);
        using var scene = new FlowScene(model.Config, "toy flow", model.DataSample(1000, 0));
        scene.Apply(frames[2]);
        surface.Render((r, area) => scene.Draw(r, area, 0, null));
        Assert.Equal((500, 500), (scene.ZCloud!.Count, scene.XCloud!.Count));
        Assert.True(scene.XCloud.View.W > 50, "the x cloud was drawn");
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(float v) => 0;
    }
}

/// <summary>Pixel checks of image tiles read back from the frame buffer.</summary>
internal static class PanelPixels
{
    /// <summary>
    /// Every texel centre of every tile shows round(255 · clamp((v − lo)/(hi − lo))) of its value within 1,
    /// for the first <paramref name="filled"/> texels of each image in raster order; the rest show <paramref name="pending"/>.
    /// </summary>
    public static void Check(Image shot, IReadOnlyList<RectF> tiles, float[] data, int channels, int h, int w, float lo, float hi,
        int filled = int.MaxValue, Color? pending = null)
    {
        Assert.Equal(data.Length / (channels * h * w), tiles.Count);
        int worst = 0, checkedPixels = 0;
        string where = "";
        for (int i = 0; i < tiles.Count; i++)
        {
            var tile = tiles[i];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int px = (int)(tile.X + (x + 0.5) * tile.W / w), py = (int)(tile.Y + (y + 0.5) * tile.H / h);
                    bool drawn = y * w + x < filled;
                    for (int c = 0; c < 3; c++)
                    {
                        int expected = drawn
                            ? (int)Math.Round(255 * Math.Clamp((data[((i * channels + (channels == 1 ? 0 : c)) * h + y) * w + x] - lo) / (double)(hi - lo), 0, 1))
                            : (int)Math.Round(255 * (c == 0 ? pending!.Value.R : c == 1 ? pending!.Value.G : pending!.Value.B));
                        int got = shot.Pixels[(py * shot.Width + px) * 3 + c];
                        if (Math.Abs(got - expected) > worst)
                        {
                            worst = Math.Abs(got - expected);
                            where = $"image {i} texel ({x}, {y}) {(drawn ? "drawn" : "pending")} channel {c} at pixel ({px}, {py}): expected {expected}, got {got}";
                        }
                    }
                    checkedPixels++;
                }
        }
        Assert.True(worst <= 1, $"largest difference {worst}: {where}");
        Assert.Equal(tiles.Count * h * w, checkedPixels);
    }
}
