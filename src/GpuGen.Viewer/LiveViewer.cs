using GpuGen.Models.Views;
using GpuGen.Viewer.Diffusion;
using GpuGen.Viewer.Flows;
using GpuGen.Viewer.Latent;
using GpuGen.Viewer.PixelCnn;
using GpuGen.Viewer.Toy;

namespace GpuGen.Viewer;

/// <summary>
/// Shows any model's <see cref="LiveView"/> (<see cref="Models.GenerativeModel.View"/>): one scene per
/// kind of view — chains of images or points, raster fill, latent walks, layer by layer — whatever the
/// family, in a window or offscreen.
/// </summary>
public static class LiveViewer
{
    /// <summary>
    /// Runs <paramref name="view"/> on <paramref name="surface"/> from <paramref name="seed"/>;
    /// <paramref name="last"/> receives the last frame drawn, where the scene keeps one.
    /// </summary>
    public static ViewRunReport Run(ViewerSurface surface, LiveView view, ulong seed, ViewRunOptions run, Action<string>? log = null, Action<IChainFrame?>? last = null) =>
        view switch
        {
            ImageChainView v => DiffusionViewer.Run(surface, v.Model, new ViewerControls(seed, v.Sampler, v.Model.Config.Classes, v.ClassIndex, v.Guidance),
                new ImageChainOptions { N = v.Count, DdpmSteps = v.Steps, DdimSteps = v.Steps, Eta = v.Eta }, run, log),
            PointChainView v => ToyViewer.Run(surface, v.Model, new ViewerControls(seed, v.Sampler),
                new ToyChainOptions { N = v.Count, DdpmSteps = v.Steps, DdimSteps = v.Steps, Eta = v.Eta }, run, log, f => last?.Invoke(f)),
            RasterView v => PixelCnnViewer.Run(surface, v.Model, v.Count, v.ClassIndex, new ViewerControls(seed), run, log, f => last?.Invoke(f)),
            LatentWalkView v => LatentViewer.Run(surface, v.Spec, new ViewerControls(seed), run, log, f => last?.Invoke(f)),
            LayerView v => FlowViewer.Run(surface, v.Model, v.Count, v.Temperature, new ViewerControls(seed), run, log, f => last?.Invoke(f)),
            _ => throw new NotSupportedException($"the viewer has no scene for a {view.GetType().Name}"),
        };
}
