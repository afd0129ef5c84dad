using System.Diagnostics;
using GpuGen.Models.Diffusion;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Panels;
using GpuGen.Viewer.Stepping;
using GpuGen.Viewer.Toy;
using GpuGen.Viewer.Training;

namespace GpuGen.Viewer;

/// <summary>
/// The viewer's benchmark: the render capacity (frames/s drawing continuously, nothing else running,
/// and the CPU each frame costs) of a bare texture upload and draw (the floor), of the sample-grid
/// panel (64 images of 28×28, new pixels every frame), of a 20,000-point cloud over its data picture
/// (points moving every frame) and of the whole diffusion window; and sampling steps/s with the
/// window on and off, with the frames/s the window presented meanwhile.
/// </summary>
public static class ViewerBenchmark
{
    /// <summary>
    /// Frames/s of updating, drawing and showing a frame for about <paramref name="seconds"/>, and the
    /// CPU milliseconds each took (this process, the software renderer's threads included, plus the X
    /// server's: on a machine whose cores the sampler keeps busy, that is what a frame costs it).
    /// </summary>
    public static RenderRate FramesPerSecond(ViewerSurface surface, Action<int> update, Action<Rendering.Renderer, Rendering.RectF> draw, double seconds)
    {
        for (int i = 0; i < 5; i++)
        {
            update(i);
            surface.Render(draw);
        }
        var cpu = CpuUse.Now();
        var clock = Stopwatch.StartNew();
        int frames = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            surface.PollEvents();
            update(frames);
            surface.Render(draw);
            frames++;
        }
        double wall = clock.Elapsed.TotalSeconds;
        return new RenderRate(frames / wall, 1000 * (CpuUse.Now() - cpu).Total / frames);
    }

    /// <summary>
    /// The floor under every panel: one 224×224 grey texture (the 64 images' atlas) uploaded and drawn
    /// as one 560×560 rectangle per frame, nothing else.
    /// </summary>
    public static RenderRate BareUploadAndDraw(ViewerSurface surface, double seconds)
    {
        using var texture = surface.Renderer.CreateTexture();
        var atlases = Enumerable.Range(0, 8).Select(b =>
        {
            var bytes = new byte[224 * 224];
            new System.Random(b).NextBytes(bytes);
            return bytes;
        }).ToArray();
        return FramesPerSecond(surface, i => texture.Upload(atlases[i % atlases.Length], 224, 224, 1),
            (r, a) => r.RgbaImage(texture, new Rendering.RectF(a.X + 20, a.Y + 20, 560, 560), new Rendering.RectF(0, 0, 1, 1), opaque: true), seconds);
    }

    public static RenderRate GridPanel(ViewerSurface surface, double seconds, int n = 64, int size = 28)
    {
        using var grid = new SampleGridPanel { Title = "samples" };
        var batches = Enumerable.Range(0, 8).Select(b => Noise(n * size * size, b)).ToArray();
        return FramesPerSecond(surface, i => grid.Update(batches[i % batches.Length], n, 1, size, size), (r, a) => grid.Draw(r, a), seconds);
    }

    public static RenderRate PointCloud(ViewerSurface surface, double seconds, int points = 20_000)
    {
        using var cloud = new PointCloudPanel { Title = "points" };
        var data = Noise(points * 2, 99);
        for (int i = 0; i < data.Length; i++) data[i] *= 1.5f;
        cloud.SetData(data);
        var sets = Enumerable.Range(0, 8).Select(b => Noise(points * 2, b)).ToArray();
        return FramesPerSecond(surface, i => cloud.Update(sets[i % sets.Length]), (r, a) => cloud.Draw(r, a), seconds);
    }

    /// <summary>Frames/s of the full diffusion window fed fresh frames (64 images, chain strip, ᾱ curve, text).</summary>
    public static RenderRate DiffusionWindow(ViewerSurface surface, NoiseSchedule schedule, double seconds)
    {
        using var scene = new DiffusionScene(schedule, 10, "benchmark");
        var batches = Enumerable.Range(0, 8).Select(b => Noise(64 * 28 * 28, b)).ToArray();
        var chain = Enumerable.Range(0, 10).Select(k => batches[k % 8].AsSpan(0, 4 * 784).ToArray()).ToArray();
        var labels = Enumerable.Range(0, 10).Select(k => $"t={999 - 111 * k}").ToArray();
        return FramesPerSecond(surface, i => scene.Apply(new DiffusionFrame
        {
            X = batches[i % 8], N = 64, Channels = 1, Height = 28, Width = 28, StepsDone = i % 50, StepCount = 50, Timestep = 999 - 20 * (i % 50),
            AlphaBar = schedule.AlphaBars[999 - 20 * (i % 50)], Sampler = "ddim", Seed = 0, ClassIndex = -1, Guidance = 2, Generation = 0,
            Chain = chain, ChainLabels = labels, ChainRows = 4, StepsPerSecond = 0,
        }), (r, a) => scene.Draw(r, a, 60, null), seconds);
    }

    /// <summary>
    /// Frames/s of the training window: a loss curve of 4,000 noisy steps (raw and smoothed), a new
    /// step reported every frame, and a 16-image grid.
    /// </summary>
    public static RenderRate TrainingWindow(ViewerSurface surface, double seconds)
    {
        var monitor = new TrainingMonitor(1_000_000, "benchmark");
        monitor.Begin([GpuGen.Training.TrainingSeries.Loss("training loss", logScale: true)]);
        var rng = new System.Random(7);
        int step = 0;
        void Report() => monitor.Report(++step, (float)(0.08 + 0.5 * Math.Exp(-step / 300.0) + 0.03 * rng.NextDouble() + (rng.NextDouble() < 0.003 ? 0.2 : 0)));
        for (int i = 0; i < 4000; i++) Report();
        monitor.Previews.Post(GpuGen.Training.TrainingPreview.Images(Noise(16 * 28 * 28, 5), 16, 1, 28, 28, step, "samples"));
        using var scene = new TrainingScene(monitor);
        return FramesPerSecond(surface, i =>
        {
            Report();
            scene.Update();
        }, (r, a) => scene.Draw(r, a, 30), seconds);
    }

    /// <summary>
    /// Sampling steps per second with no display, chains looping for <paramref name="seconds"/>: the
    /// sampler alone, its frames consumed and dropped.
    /// </summary>
    public static (double StepsPerSecond, long Steps) SamplingWithoutWindow(ImageDiffusion model, ImageChainOptions chain, ulong seed, double seconds)
    {
        var queue = new FrameQueue<DiffusionFrame>();
        return Alone(new ImageChainWorker(model, new ViewerControls(seed, "ddim", model.Config.Classes), queue, chain with { Loop = true, HoldSeconds = 0 }), queue, seconds);
    }

    /// <summary>
    /// Chains sampled for <paramref name="seconds"/> while the window shows them, run as `gpugen view`
    /// runs (frames drawn when a state comes, capped at <paramref name="maxFps"/>): steps per wall
    /// second, the frames/s presented, how many states were drawn and dropped, how long drawing took.
    /// </summary>
    public static ViewRunReport SamplingWithWindow(ViewerSurface surface, ImageDiffusion model, ImageChainOptions chain, ulong seed, double seconds,
        double maxFps = 60, bool continuous = false, double? displayShare = null, double minFps = ViewRunOptions.DefaultMinFramesPerSecond) =>
        DiffusionViewer.Run(surface, model, new ViewerControls(seed, "ddim", model.Config.Classes), chain with { Loop = true, HoldSeconds = 0 },
            new ViewRunOptions
            {
                MaxSeconds = seconds, MaxFramesPerSecond = maxFps, MinFramesPerSecond = minFps, Continuous = continuous,
                DisplayShare = displayShare ?? ViewRunOptions.DefaultDisplayShare,
            });

    /// <summary>
    /// Toy chains (a point cloud) sampled for <paramref name="seconds"/> with no display: the sampler
    /// alone, its frames consumed and dropped.
    /// </summary>
    public static (double StepsPerSecond, long Steps) ToySamplingWithoutWindow(ToyDiffusion model, ToyChainOptions chain, ulong seed, double seconds)
    {
        var queue = new FrameQueue<ToyFrame>();
        return Alone(new ToyChainWorker(model, new ViewerControls(seed, "ddim"), queue, chain with { Loop = true, HoldSeconds = 0 }), queue, seconds);
    }

    /// <summary>Runs <paramref name="worker"/> for <paramref name="seconds"/>, taking and dropping its frames; steps per second and steps.</summary>
    private static (double StepsPerSecond, long Steps) Alone<TFrame>(SteppedWorker<TFrame> worker, FrameQueue<TFrame> queue, double seconds) where TFrame : class
    {
        using (worker)
        {
            var clock = Stopwatch.StartNew();
            worker.Start();
            while (clock.Elapsed.TotalSeconds < seconds) queue.TryTake(out _, TimeSpan.FromMilliseconds(20));
            worker.Stop();
            return (worker.StepsTaken / clock.Elapsed.TotalSeconds, worker.StepsTaken);
        }
    }

    /// <summary>Toy chains sampled for <paramref name="seconds"/> while the window shows the cloud over the data, run as `gpugen view` runs.</summary>
    public static ViewRunReport ToySamplingWithWindow(ViewerSurface surface, ToyDiffusion model, ToyChainOptions chain, ulong seed, double seconds,
        double maxFps = 60, double? displayShare = null, double minFps = ViewRunOptions.DefaultMinFramesPerSecond) =>
        ToyViewer.Run(surface, model, new ViewerControls(seed, "ddim"), chain with { Loop = true, HoldSeconds = 0 },
            new ViewRunOptions
            {
                MaxSeconds = seconds, MaxFramesPerSecond = maxFps, MinFramesPerSecond = minFps, DisplayShare = displayShare ?? ViewRunOptions.DefaultDisplayShare,
            });

    private static float[] Noise(int count, int seed)
    {
        var rng = new System.Random(seed);
        var v = new float[count];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }
}

/// <summary>A render capacity: frames/s drawing continuously, and CPU milliseconds per frame (process plus X server).</summary>
public readonly record struct RenderRate(double FramesPerSecond, double CpuMsPerFrame);
