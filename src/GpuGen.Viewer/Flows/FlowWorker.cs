using GpuGen.Models.Flows;
using GpuGen.Tensors;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Flows;

/// <summary>
/// The sampling thread of the flow viewer: draws z ~ N(0, T²·I) as <see cref="Flow.Sample"/> does
/// and runs the inverse pass one layer per step (last layer first), so the view shows z turning into
/// x layer by layer; the last frame is exactly what `gpugen sample` gives for that seed.
/// </summary>
public sealed class FlowWorker : SteppedWorker<FlowFrame>
{
    private readonly Flow model;
    private readonly int n;
    private readonly float temperature;
    private float[] z = [];
    private float[] y = [];

    public FlowWorker(Flow model, int n, float temperature, ViewerControls controls, FrameQueue<FlowFrame> queue, SteppedOptions options)
        : base(controls, queue, options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (!(temperature >= 0)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be non-negative, got {temperature}");
        this.model = model;
        this.n = n;
        this.temperature = temperature;
    }

    protected override int Begin(ViewerState state)
    {
        var device = model.Device;
        using (device.NoGrad())
        {
            var t = Tensor.Empty(device, [n, model.Config.Dim]);
            device.Kernels.GaussianFill(t.Length, state.Seed, 0, 0, t.Storage, 0f, temperature);
            z = t.ToArray();
        }
        y = z;
        return model.Network.Layers.Count;
    }

    protected override void Step(int index)
    {
        var layers = model.Network.Layers;
        var device = model.Device;
        using (device.NoGrad())
            y = layers[layers.Count - 1 - index].Inverse(Tensor.FromArray(device, y, n, model.Config.Dim)).ToArray();
    }

    protected override FlowFrame Snapshot(int stepsDone, int stepCount, ViewerState state, double stepsPerSecond) => new()
    {
        Z = z,
        X = model.ToData((float[])y.Clone()),
        N = n,
        StepsDone = stepsDone,
        StepCount = stepCount,
        Temperature = temperature,
        Seed = state.Seed,
        Generation = state.Generation,
        StepsPerSecond = stepsPerSecond,
    };
}
