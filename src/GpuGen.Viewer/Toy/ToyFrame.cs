namespace GpuGen.Viewer.Toy;

/// <summary>
/// One state of a 2-D toy reverse chain, copied out of the device by the sampling thread: the
/// points after <see cref="ChainFrame.StepsDone"/> of <see cref="ChainFrame.StepCount"/> steps and where they are in the
/// schedule. Immutable once posted.
/// </summary>
public sealed record ToyFrame : ChainFrame
{
    /// <summary>The points [N, 2] as (x, y) pairs.</summary>
    public required float[] Points { get; init; }

    /// <summary>The timestep the points are at (−1 once the chain reached x₀).</summary>
    public required int Timestep { get; init; }

    /// <summary>ᾱ_t of that timestep (1 at x₀).</summary>
    public required double AlphaBar { get; init; }

    public required string Sampler { get; init; }

    /// <summary>Noise level σ_t = √(1 − ᾱ_t) of the points.</summary>
    public double Sigma => Math.Sqrt(Math.Max(0, 1 - AlphaBar));
}
