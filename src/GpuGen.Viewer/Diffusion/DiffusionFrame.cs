namespace GpuGen.Viewer.Diffusion;

/// <summary>
/// One state of a reverse chain, copied out of the device by the sampling thread: the images after
/// <see cref="ChainFrame.StepsDone"/> of <see cref="ChainFrame.StepCount"/> steps, where they are in the schedule, and the
/// chain snapshots so far. Immutable once posted.
/// </summary>
public sealed record DiffusionFrame : DiffusionChainFrame
{
    /// <summary>The images [N, C, H, W] in about [−1, 1].</summary>
    public required float[] X { get; init; }
    public required int Channels { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }

    public required int ClassIndex { get; init; }
    public required float Guidance { get; init; }

    /// <summary>Snapshots of the first <see cref="ChainRows"/> images, x_T first.</summary>
    public required IReadOnlyList<float[]> Chain { get; init; }
    public required IReadOnlyList<string> ChainLabels { get; init; }
    public required int ChainRows { get; init; }
}
