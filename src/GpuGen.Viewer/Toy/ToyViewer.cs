using GpuGen.Models.Diffusion;
using GpuGen.Viewer.Diffusion;

namespace GpuGen.Viewer.Toy;

/// <summary>
/// Runs the 2-D toy window: the sampling thread (<see cref="ToyChainWorker"/>) feeds the render
/// loop on the calling thread through a newest-wins queue. In a window it runs until esc or the
/// window closes (or <see cref="ViewRunOptions.MaxFrames"/>); offscreen it records frames evenly
/// spread over one chain into PNGs plus a contact sheet (the loop is <see cref="ChainView"/>).
/// </summary>
public static class ToyViewer
{
    /// <summary>Data points drawn under the cloud.</summary>
    public const int DataPoints = 50_000;

    public static ViewRunReport Run(ViewerSurface surface, ToyDiffusion model, ViewerControls controls, ToyChainOptions chain,
        ViewRunOptions run, Action<string>? log = null) => Run(surface, model, controls, chain, run, log, null);

    /// <summary>As above; <paramref name="last"/> receives the last frame drawn (tests compare it with batch sampling).</summary>
    public static ViewRunReport Run(ViewerSurface surface, ToyDiffusion model, ViewerControls controls, ToyChainOptions chain,
        ViewRunOptions run, Action<string>? log, Action<ToyFrame?>? last)
    {
        bool recording = run.HeadlessDir is not null;
        var queue = new FrameQueue<ToyFrame>(2, lossless: recording);
        using var scene = new ToyScene(model.Schedule, model.DataSample(DataPoints, 0), model.Config.Data, run.Title);
        using var worker = new ToyChainWorker(model, controls, queue, chain with { Loop = !recording && chain.Loop });
        var report = ChainView.Run(surface, scene, worker, queue, controls, run, log);
        last?.Invoke(scene.Frame);
        return report;
    }
}
