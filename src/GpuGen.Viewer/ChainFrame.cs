namespace GpuGen.Viewer;

/// <summary>
/// What every frame of a chain view carries: how far its chain has come (<see cref="StepsDone"/> of
/// <see cref="StepCount"/>), the N samples it shows, the seed and generation that made them, and the
/// speed of computing them. A family's frame adds its state; frames are immutable once posted.
/// </summary>
public abstract record ChainFrame : IChainFrame
{
    public required int N { get; init; }
    public required int StepsDone { get; init; }
    public required int StepCount { get; init; }
    public required ulong Seed { get; init; }

    /// <summary>Which restart of the chain (new seed, sampler or class) made this frame.</summary>
    public required int Generation { get; init; }

    /// <summary>Steps per second of computing (throttling excluded), over this chain so far.</summary>
    public required double StepsPerSecond { get; init; }

    public bool Done => StepsDone >= StepCount;
}
