namespace GpuGen.Viewer.Toy;

/// <summary>
/// One state of a 2-D toy reverse chain, copied out of the device by the sampling thread: the
/// points after <see cref="ChainFrame.StepsDone"/> of <see cref="ChainFrame.StepCount"/> steps and where they are in the
/// schedule. Immutable once posted.
/// </summary>
public sealed record ToyFrame : DiffusionChainFrame
{
    /// <summary>The points [N, 2] as (x, y) pairs.</summary>
    public required float[] Points { get; init; }
}
