using GpuGen.Models.Diffusion;

namespace GpuGen.Viewer.Diffusion;

/// <summary>
/// Runs the image-diffusion window: the sampling thread (<see cref="ImageChainWorker"/>) feeds the
/// render loop on the calling thread through a newest-wins queue. In a window it runs until esc or
/// the window closes (or <see cref="ViewRunOptions.MaxFrames"/>); offscreen it records frames evenly
/// spread over one chain into PNGs plus a contact sheet.
/// </summary>
public static class DiffusionViewer
{
    public static ViewRunReport Run(ViewerSurface surface, ImageDiffusion model, ViewerControls controls, ImageChainOptions chain,
        ViewRunOptions run, Action<string>? log = null)
    {
        bool recording = run.HeadlessDir is not null;
        var queue = new FrameQueue<DiffusionFrame>(2, lossless: recording);
        using var scene = new DiffusionScene(model.Schedule, model.Config.Classes, run.Title);
        using var worker = new ImageChainWorker(model, controls, queue, chain with { Loop = !recording && chain.Loop });
        return ChainView.Run(surface, scene, worker, queue, controls, run, log);
    }
}

/// <summary>How the render loop runs.</summary>
public sealed record ViewRunOptions
{
    public string Title { get; init; } = "GpuGen";

    /// <summary>Stop after this many frames (scripted runs); null: until esc or the window closes.</summary>
    public int? MaxFrames { get; init; }

    /// <summary>Window: stop after this many seconds (benchmarks); null: no limit.</summary>
    public double? MaxSeconds { get; init; }

    /// <summary>Offscreen: write frames here (frame-NNN.png and contact-sheet.png).</summary>
    public string? HeadlessDir { get; init; }

    /// <summary>Offscreen: frames recorded over the chain, x_T and x₀ included.</summary>
    public int RecordFrames { get; init; } = 16;

    /// <summary>Save the last frame here at the end.</summary>
    public string? Screenshot { get; init; }

    /// <summary>Where s puts its screenshots.</summary>
    public string SaveDir { get; init; } = ".";

    /// <summary>Window: leave once the chain reached x₀ and the sampler stopped (with a non-looping chain).</summary>
    public bool ExitWhenDone { get; init; }

    /// <summary>Display frame rate cap in a window (0: none).</summary>
    public double MaxFramesPerSecond { get; init; } = 60;

    /// <summary>Window: redraw continuously up to the cap, even when nothing changed (for benchmarks; the default draws on change only).</summary>
    public bool Continuous { get; init; }

    /// <summary>
    /// Window: the most of the wall time that drawing may take (0 … 1; 1: no limit). After a frame
    /// that took t seconds the next waits at least t·(1/share − 1). Frames are drawn on a core the
    /// CPU backend lends (see <c>CpuWorkers.LendCore</c>), so with the sampler on the CPU a frame
    /// costs it about its own length: on two cores, the share is about the fraction of the sampling
    /// speed the window costs. The default, 4% per core (8% on two, at most ½), would hold a 2-core
    /// machine drawing with llvmpipe (≈ 3.5 ms a frame) to about 20 frames/s; the floor
    /// (<see cref="MinFramesPerSecond"/>) overrides it up to 30, and it never binds where frames
    /// take well under a millisecond (a GPU) below the frame cap.
    /// </summary>
    public double DisplayShare { get; init; } = DefaultDisplayShare;

    /// <summary>The default <see cref="DisplayShare"/>: 4% per core, at most ½.</summary>
    public static double DefaultDisplayShare => Math.Min(0.5, 0.04 * Environment.ProcessorCount);

    /// <summary>
    /// Window: the frame rate the display keeps even where <see cref="DisplayShare"/> would allow
    /// fewer (0: none, the share alone decides). The default 30 keeps a chain moving smoothly: on
    /// llvmpipe with two cores a toy frame costs ~4 ms, so 30 frames/s cost the sampler about a
    /// tenth of its speed (bench/RESULTS.md); on a GPU the frames leave the CPU and the cap rules.
    /// </summary>
    public double MinFramesPerSecond { get; init; } = DefaultMinFramesPerSecond;

    /// <summary>The default <see cref="MinFramesPerSecond"/>.</summary>
    public const double DefaultMinFramesPerSecond = 30;
}

/// <summary>
/// What a run did: frames drawn (each one presented) and their rate while presenting (first frame to
/// last), sampling steps and their rate
/// (busy and wall), files written; states the sampler posted, how many of them were drawn and how
/// many the newest-wins queue dropped; seconds spent drawing and presenting.
/// </summary>
public sealed record ViewRunReport(long Frames, double Seconds, double FramesPerSecond, long SamplingSteps, double SamplingStepsPerSecond,
    double SamplingStepsPerWallSecond, IReadOnlyList<string> FramesWritten, string? ContactSheet, string? Screenshot, string GlRenderer, long FramesDropped)
{
    /// <summary>Chain states the sampler posted.</summary>
    public long StatesPosted { get; init; }

    /// <summary>Frames drawn because a new chain state came (the rest: keys, resizes, the status tick).</summary>
    public long StatesShown { get; init; }

    /// <summary>Seconds the render thread spent drawing and presenting frames.</summary>
    public double RenderSeconds { get; init; }

    /// <summary>Frames/s the display could draw at this frame cost (1 / mean seconds per frame).</summary>
    public double RenderCapacity => Frames > 0 && RenderSeconds > 0 ? Frames / RenderSeconds : 0;

    /// <summary>Milliseconds a frame took to draw and present, on average (0 before any).</summary>
    public double RenderMsPerFrame => Frames > 0 ? 1000 * RenderSeconds / Frames : 0;
}
