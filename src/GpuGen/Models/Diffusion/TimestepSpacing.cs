namespace GpuGen.Models.Diffusion;

/// <summary>
/// How K of T timesteps are chosen for a shortened chain (diffusers' timestep_spacing; Lin et al.
/// 2024, table 2). With K = T every spacing visits every timestep.
/// </summary>
public enum TimestepSpacing
{
    /// <summary>t = i·⌊T/K⌋ for i &lt; K (DDIM's and DDPM's original choice; never visits T − 1 unless K = T).</summary>
    Leading,

    /// <summary>t = round(i·(T−1)/(K−1)): first 0, last T − 1.</summary>
    Linspace,

    /// <summary>t = round(T − i·T/K) − 1 for i &lt; K: always starts at T − 1.</summary>
    Trailing,
}
