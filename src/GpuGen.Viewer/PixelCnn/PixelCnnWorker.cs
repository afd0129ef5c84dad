using GpuGen.Models.PixelCnn;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.PixelCnn;

/// <summary>
/// The sampling thread of the PixelCNN viewer: one pixel of every image per step through
/// <see cref="PixelCnnSampling"/>, a frame after each. Same seed, same images as `gpugen sample`.
/// </summary>
public sealed class PixelCnnWorker : SteppedWorker<PixelCnnFrame>
{
    private readonly Models.PixelCnn.PixelCnn model;
    private readonly int n;
    private readonly int classIndex;
    private PixelCnnSampling? sampling;

    /// <summary>Runs of <paramref name="n"/> images; a conditional model gives every image <paramref name="classIndex"/> (−1: image i gets class i mod classes).</summary>
    public PixelCnnWorker(Models.PixelCnn.PixelCnn model, int n, int classIndex, ViewerControls controls, FrameQueue<PixelCnnFrame> queue, SteppedOptions options)
        : base(controls, queue, options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        this.model = model;
        this.n = n;
        this.classIndex = classIndex;
    }

    protected override int Begin(ViewerState state)
    {
        int[]? labels = model.Conditional && classIndex >= 0 ? Enumerable.Repeat(classIndex, n).ToArray() : null;
        sampling = new PixelCnnSampler(model).Start(n, state.Seed, labels);
        return sampling.PixelCount;
    }

    protected override void Step(int index) => sampling!.Step();

    protected override PixelCnnFrame Snapshot(int stepsDone, int stepCount, ViewerState state, double stepsPerSecond) => new()
    {
        Images = sampling!.Images.ToArray(),
        N = n,
        Height = sampling.Height,
        Width = sampling.Width,
        StepsDone = stepsDone,
        StepCount = stepCount,
        Seed = state.Seed,
        Labels = sampling.Labels,
        Generation = state.Generation,
        StepsPerSecond = stepsPerSecond,
    };

    protected override void End()
    {
        sampling?.Dispose();
        sampling = null;
    }
}
