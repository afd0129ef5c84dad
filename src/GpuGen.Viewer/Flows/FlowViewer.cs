using GpuGen.Models.Flows;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Flows;

/// <summary>
/// Runs the flow window: the sampling thread (<see cref="FlowWorker"/>) feeds the shared render loop
/// (<see cref="ChainView"/>); offscreen it records frames over one inverse pass.
/// </summary>
public static class FlowViewer
{
    /// <summary>Data points drawn under a toy flow's cloud.</summary>
    public const int DataPoints = 50_000;

    public static ViewRunReport Run(ViewerSurface surface, Flow model, int n, float temperature, ViewerControls controls, ViewRunOptions run,
        Action<string>? log = null, Action<FlowFrame?>? last = null)
    {
        bool recording = run.HeadlessDir is not null;
        var queue = new FrameQueue<FlowFrame>(2, lossless: recording);
        float[] data = model.Config.IsToy ? model.DataSample(DataPoints, 0) : [];
        using var scene = new FlowScene(model.Config, run.Title, data);
        using var worker = new FlowWorker(model, n, temperature, controls, queue, new SteppedOptions { Loop = !recording });
        var report = ChainView.Run(surface, scene, worker, queue, controls, run, log);
        last?.Invoke(scene.Frame);
        return report;
    }
}
