using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.PixelCnn;

/// <summary>
/// Runs the PixelCNN window: the sampling thread (<see cref="PixelCnnWorker"/>) feeds the shared
/// render loop (<see cref="ChainView"/>); offscreen it records frames spread over one raster run.
/// </summary>
public static class PixelCnnViewer
{
    public static ViewRunReport Run(ViewerSurface surface, Models.PixelCnn.PixelCnn model, int n, int classIndex, ViewerControls controls,
        ViewRunOptions run, Action<string>? log = null, Action<PixelCnnFrame?>? last = null)
    {
        bool recording = run.HeadlessDir is not null;
        var queue = new FrameQueue<PixelCnnFrame>(2, lossless: recording);
        using var scene = new PixelCnnScene(run.Title, model.Config.Classes);
        using var worker = new PixelCnnWorker(model, n, classIndex, controls, queue, new SteppedOptions { Loop = !recording });
        var report = ChainView.Run(surface, scene, worker, queue, controls, run, log);
        last?.Invoke(scene.Frame);
        return report;
    }
}
