namespace GpuGen.Backends.Gpu;

/// <summary>
/// Global and local sizes of a launch in up to three dimensions. Global sizes are multiples of the
/// local sizes (PoCL and OpenCL 1.2 have no non-uniform work-groups): kernels check their bounds.
/// </summary>
internal readonly record struct LaunchGrid(int Dims, long Global0, long Global1, long Global2, int Local0, int Local1, int Local2)
{
    /// <summary>n work-items in groups of <paramref name="local"/>, rounded up.</summary>
    public static LaunchGrid Linear(long n, int local) => new(1, RoundUp(Math.Max(n, 1), local), 1, 1, local, 1, 1);

    /// <summary>An x × y grid of work-items in local0 × local1 groups, each rounded up.</summary>
    public static LaunchGrid Planar(long x, long y, int local0, int local1) =>
        new(2, RoundUp(Math.Max(x, 1), local0), RoundUp(Math.Max(y, 1), local1), 1, local0, local1, 1);

    /// <summary>Exactly <paramref name="groups"/> work-groups of <paramref name="local"/> work-items.</summary>
    public static LaunchGrid Groups(long groups, int local) => new(1, groups * local, 1, 1, local, 1, 1);

    public static long RoundUp(long n, int multiple) => (n + multiple - 1) / multiple * multiple;
}
