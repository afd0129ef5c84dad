using GpuGen.Models.Views;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Latent;

/// <summary>
/// The sampling thread of a latent view: one turn of a <see cref="LatentWalk"/> in
/// <see cref="LatentViewSpec.Steps"/> steps, decoding every position (r draws new endpoints).
/// </summary>
public sealed class LatentWorker : SteppedWorker<LatentFrame>
{
    private readonly LatentViewSpec spec;
    private LatentWalk? walk;
    private int[]? labels;
    private float[] z = [];
    private float[] images = [];

    public LatentWorker(LatentViewSpec spec, ViewerControls controls, FrameQueue<LatentFrame> queue, SteppedOptions options)
        : base(controls, queue, options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Steps);
        this.spec = spec;
    }

    protected override int Begin(ViewerState state)
    {
        walk = spec.Walk(state.Seed);
        labels = spec.Labels(walk);
        Decode(0);
        return spec.Steps;
    }

    protected override void Step(int index) => Decode(index + 1);

    private void Decode(int k)
    {
        z = walk!.At(spec.Theta(k));
        images = spec.Decode(z, labels);
        int expected = walk.Count * spec.Channels * spec.Height * spec.Width;
        if (images.Length != expected) throw new InvalidOperationException($"the decoder gave {images.Length} values for {walk.Count} images of {spec.Channels}×{spec.Height}×{spec.Width}");
    }

    protected override LatentFrame Snapshot(int stepsDone, int stepCount, ViewerState state, double stepsPerSecond) => new()
    {
        Images = images,
        Z = z,
        N = walk!.Count,
        StepsDone = stepsDone,
        StepCount = stepCount,
        Theta = spec.Theta(stepsDone),
        Seed = state.Seed,
        Labels = labels,
        Generation = state.Generation,
        StepsPerSecond = stepsPerSecond,
    };
}
