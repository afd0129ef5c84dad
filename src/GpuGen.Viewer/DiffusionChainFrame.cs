namespace GpuGen.Viewer;

/// <summary>A frame of a reverse diffusion chain (images or 2-D points): where the samples are in the noise schedule.</summary>
public abstract record DiffusionChainFrame : ChainFrame
{
    /// <summary>The timestep the samples are at (−1 once the chain reached x₀).</summary>
    public required int Timestep { get; init; }

    /// <summary>ᾱ_t of that timestep (1 at x₀).</summary>
    public required double AlphaBar { get; init; }

    public required string Sampler { get; init; }

    /// <summary>Noise level σ_t = √(1 − ᾱ_t) of the samples.</summary>
    public double Sigma => Math.Sqrt(Math.Max(0, 1 - AlphaBar));

    /// <summary>Where the chain is, for a status line: "t = 250   σ_t = 0.871   ᾱ_t = 0.2410", or "x₀ reached".</summary>
    public string Where => Timestep >= 0
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"t = {Timestep}   σ_t = {Sigma:F3}   ᾱ_t = {AlphaBar:F4}")
        : "x₀ reached";

    /// <summary>The ᾱ curve's marker: the timestep, or 0 and "x₀" at the end.</summary>
    public (int At, string Label) ScheduleMarker => Timestep >= 0 ? (Timestep, $"t={Timestep}") : (0, "x₀");
}
