namespace GpuGen.Viewer.Stepping;

/// <summary>How a sampling thread runs diffusion chains: how many samples, how many steps for each sampler, and what happens at x₀.</summary>
public abstract record ChainOptions
{
    /// <summary>Samples per chain (each kind of chain sets its default).</summary>
    public int N { get; init; }

    /// <summary>DDPM steps (0: all T).</summary>
    public int DdpmSteps { get; init; }

    /// <summary>DDIM steps (0: 50).</summary>
    public int DdimSteps { get; init; }

    public float Eta { get; init; }

    /// <summary>Start a new chain (next seed) after showing x₀ for <see cref="HoldSeconds"/>; false: stop.</summary>
    public bool Loop { get; init; } = true;

    public double HoldSeconds { get; init; } = 2;

    /// <summary>The stepping loop's part of these options; a chain of no samples is an error.</summary>
    public SteppedOptions Stepping()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(N);
        return new SteppedOptions { Loop = Loop, HoldSeconds = HoldSeconds };
    }
}
