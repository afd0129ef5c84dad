using GpuGen.Models.Views;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Latent;

/// <summary>
/// Runs a latent-space window (VAE grid, CVAE class rows, GAN walks): the sampling thread
/// (<see cref="LatentWorker"/>) feeds the shared render loop (<see cref="ChainView"/>); offscreen it
/// records frames spread over one turn of the walk.
/// </summary>
public static class LatentViewer
{
    public static ViewRunReport Run(ViewerSurface surface, LatentViewSpec spec, ViewerControls controls, ViewRunOptions run,
        Action<string>? log = null, Action<LatentFrame?>? last = null)
    {
        bool recording = run.HeadlessDir is not null;
        var queue = new FrameQueue<LatentFrame>(2, lossless: recording);
        using var scene = new LatentScene(spec, run.Title);
        using var worker = new LatentWorker(spec, controls, queue, new SteppedOptions { Loop = !recording, HoldSeconds = 0 });
        var report = ChainView.Run(surface, scene, worker, queue, controls, run, log);
        last?.Invoke(scene.Frame);
        return report;
    }
}
