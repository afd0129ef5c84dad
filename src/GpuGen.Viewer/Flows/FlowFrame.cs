namespace GpuGen.Viewer.Flows;

/// <summary>
/// One state of a flow's inverse pass z → x, copied by the sampling thread: the Gaussian sample z and
/// where it is after <see cref="ChainFrame.StepsDone"/> of the <see cref="ChainFrame.StepCount"/> inverse layers. Immutable once posted.
/// </summary>
public sealed record FlowFrame : ChainFrame
{
    /// <summary>z ~ N(0, T²·I), [N, D].</summary>
    public required float[] Z { get; init; }

    /// <summary>The state after the layers so far, as data (images: the logit transform undone, [0, 1]; toys: points).</summary>
    public required float[] X { get; init; }
    public required float Temperature { get; init; }
}
