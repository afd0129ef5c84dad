using GpuGen.Models.Diffusion;
using GpuGen.Viewer.Stepping;

namespace GpuGen.Viewer.Diffusion;

/// <summary>
/// The sampling thread of the image-diffusion viewer: runs a reverse chain of an
/// <see cref="ImageDiffusion"/> model one step at a time, posting every state (and, at about
/// <see cref="ImageChainOptions.ChainSlots"/> evenly spaced steps, a snapshot for the chain strip)
/// to a <see cref="FrameQueue{T}"/>, and follows <see cref="ViewerControls"/> (pause, single steps,
/// restarts with a new seed or sampler, class, guidance, speed). It never waits on the display.
/// </summary>
public sealed class ImageChainWorker(ImageDiffusion model, ViewerControls controls, FrameQueue<DiffusionFrame> queue, ImageChainOptions options)
    : SteppedWorker<DiffusionFrame>(controls, queue, options.Stepping())
{
    private readonly List<float[]> chain = [];
    private readonly List<string> labels = [];
    private ImageSampling? session;
    private HashSet<int> keep = [];

    protected override string ThreadName => "gpugen-sampler";

    protected override int Begin(ViewerState state)
    {
        var scheduler = model.Scheduler(state.Sampler, state.Sampler == "ddim" ? options.DdimSteps : options.DdpmSteps, options.Eta);
        if (!model.Conditional)
        {
            session = model.StartSampling(options.N, state.Seed, scheduler);
        }
        else
        {
            int classes = model.Config.Classes;
            var classOf = Enumerable.Range(0, options.N).Select(i => state.ClassIndex >= 0 ? state.ClassIndex : i % classes).ToArray();
            session = model.StartSampling(options.N, state.Seed, scheduler, classOf, state.Guidance);
        }
        chain.Clear();
        labels.Clear();
        keep = Snapshots(session.StepCount, options.ChainSlots);
        KeepSnapshot();
        return session.StepCount;
    }

    protected override void Step(int index)
    {
        session!.Step();
        if (keep.Contains(session.Index)) KeepSnapshot();
    }

    protected override void End()
    {
        session?.Dispose();
        session = null;
    }

    /// <summary>Step counts after which a snapshot is kept: about <paramref name="slots"/> evenly spaced, x_T and x₀ included.</summary>
    internal static HashSet<int> Snapshots(int steps, int slots)
    {
        var keep = new HashSet<int>();
        for (int s = 1; s < slots; s++) keep.Add((int)Math.Round((double)s * steps / (slots - 1)));
        keep.Add(steps);
        keep.Remove(0);
        return keep;
    }

    private void KeepSnapshot()
    {
        int rows = Math.Min(options.ChainRows, options.N);
        int per = checked((int)(session!.X.Length / session.X.Dim(0)));
        chain.Add(session.X.ToArray().AsSpan(0, rows * per).ToArray());
        labels.Add(session.Done ? "x₀" : $"t={session.Timestep}");
    }

    protected override DiffusionFrame Snapshot(int stepsDone, int stepCount, ViewerState state, double stepsPerSecond)
    {
        var shape = model.ImageShape;
        int t = session!.Timestep;
        return new DiffusionFrame
        {
            X = session.X.ToArray(),
            N = options.N,
            Channels = shape[0],
            Height = shape[1],
            Width = shape[2],
            StepsDone = stepsDone,
            StepCount = stepCount,
            Timestep = t,
            AlphaBar = t >= 0 ? model.Schedule.AlphaBars[t] : 1.0,
            Sampler = state.Sampler,
            Seed = state.Seed,
            ClassIndex = state.ClassIndex,
            Guidance = state.Guidance,
            Generation = state.Generation,
            Chain = chain.ToArray(),
            ChainLabels = labels.ToArray(),
            ChainRows = Math.Min(options.ChainRows, options.N),
            StepsPerSecond = stepsPerSecond,
        };
    }
}

/// <summary>How the sampling thread runs image chains (64 images unless told).</summary>
public sealed record ImageChainOptions : ChainOptions
{
    public ImageChainOptions() => N = 64;

    /// <summary>Images followed in the chain strip.</summary>
    public int ChainRows { get; init; } = 4;

    /// <summary>Snapshots in the chain strip, x_T and x₀ included.</summary>
    public int ChainSlots { get; init; } = 10;
}
