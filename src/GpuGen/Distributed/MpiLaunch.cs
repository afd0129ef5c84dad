using System.Globalization;

namespace GpuGen.Distributed;

/// <summary>
/// Whether this process was started by an MPI launcher, read from the environment the launcher sets
/// (nothing is loaded to find out): MPICH's Hydra `mpirun`/`mpiexec` and Slurm's PMI set PMI_RANK and
/// PMI_SIZE, Hydra also MPI_LOCALRANKID and MPI_LOCALNRANKS (the processes on this machine); Intel MPI and MVAPICH, which share MPICH's ABI, set the same.
/// Open MPI's launcher (OMPI_COMM_WORLD_*) is named and refused: its library has another ABI.
/// </summary>
public sealed record MpiLaunch(int Rank, int Size, int LocalRank)
{
    /// <summary>Processes of the launch on this machine (1 where the launcher does not say).</summary>
    public int LocalSize { get; init; } = 1;

    /// <summary>The launch this process is part of, or null when no MPI launcher started it.</summary>
    public static MpiLaunch? Detect(Func<string, string?>? environment = null)
    {
        environment ??= System.Environment.GetEnvironmentVariable;
        if (environment("OMPI_COMM_WORLD_SIZE") is not null)
            throw new PlatformNotSupportedException("started by Open MPI's mpirun: GpuGen runs on MPICH-compatible MPI (Debian's mpich: mpirun.mpich; Intel MPI, MVAPICH, Cray MPI)");
        string? rank = environment("PMI_RANK"), size = environment("PMI_SIZE");
        if (rank is null || size is null) return null;
        int local = environment("MPI_LOCALRANKID") is { } l ? Parse(l, "MPI_LOCALRANKID") : Parse(rank, "PMI_RANK");
        int localSize = environment("MPI_LOCALNRANKS") is { } n ? Math.Max(1, Parse(n, "MPI_LOCALNRANKS")) : 1;
        return new MpiLaunch(Parse(rank, "PMI_RANK"), Parse(size, "PMI_SIZE"), local) { LocalSize = localSize };
    }

    /// <summary>
    /// The device this process trains on: a GPU kind without an index (`cuda`, `opencl`) takes the GPU
    /// of this process's place on its machine, so the processes of one machine share out its GPUs;
    /// anything else is taken as given.
    /// </summary>
    public string DeviceFor(string spec) => spec is "cuda" or "opencl" ? $"{spec}:{LocalRank}" : spec;

    /// <summary>
    /// The cores this process takes on a CPU-only machine of <paramref name="machineCores"/>: an equal
    /// share with the other processes of the launch there, at least one.
    /// </summary>
    public int CoresEach(int machineCores) => Math.Max(1, machineCores / LocalSize);

    private static int Parse(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value
            : throw new FormatException($"the MPI launcher set {name}={text}, not a count");
}
