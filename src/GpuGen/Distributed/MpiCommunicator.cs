using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MpiNative = MPI.Unsafe;

namespace GpuGen.Distributed;

/// <summary>
/// MPI through the MPI.NET package's bindings (<c>MPI.Unsafe</c>: the C functions, one call each).
/// MPI.NET is built against Microsoft MPI and imports <c>msmpi.dll</c>; its handles are MPICH's, so
/// the name is resolved here to MPICH's <c>libmpich.so.12</c> (Debian's <c>mpich</c>), or to
/// <c>libmpi.so.12</c> (Intel MPI, MVAPICH), or to the library <see cref="LibraryVariable"/> names:
/// the MPICH ABI, which Cray MPI shares too. Open MPI's <c>libmpi.so.40</c> has another ABI. Collectives run on the calling thread, one
/// thread at a time (MPI_THREAD_SERIALIZED): MPI starts on the main thread, and under `train --view` the
/// training loop talks to it from its own thread while the main thread draws.
/// </summary>
public sealed class MpiCommunicator : ICommunicator
{
    /// <summary>Names the MPI library to load instead of the default ones (e.g. a cluster's own build).</summary>
    public const string LibraryVariable = "GPUGEN_MPI_LIBRARY";

    /// <summary>The MPICH-ABI libraries tried in turn: MPICH's soname, then Intel MPI's and MVAPICH's.</summary>
    public static readonly string[] Libraries = ["libmpich.so.12", "libmpi.so.12"];

    private const int ThreadSerialized = 2, Success = 0;
    private static readonly IntPtr InPlace = new(-1);   // MPI_IN_PLACE in MPICH's mpi.h
    private static int resolverSet;
    private bool disposed;

    public required int Rank { get; init; }

    public required int Size { get; init; }

    public required int LocalRank { get; init; }

    /// <summary>
    /// Initialises MPI for the launch <paramref name="launch"/> describes. A missing MPI library is a
    /// <see cref="DllNotFoundException"/> naming the package to install.
    /// </summary>
    public static MpiCommunicator Start(MpiLaunch launch)
    {
        ResolveToMpich();
        Init();
        int rank, size;
        Check(MpiNative.MPI_Comm_rank(MpiNative.MPI_COMM_WORLD, out rank), "MPI_Comm_rank");
        Check(MpiNative.MPI_Comm_size(MpiNative.MPI_COMM_WORLD, out size), "MPI_Comm_size");
        if (rank != launch.Rank || size != launch.Size)
            throw new InvalidOperationException($"MPI says rank {rank} of {size}, the launcher's environment rank {launch.Rank} of {launch.Size}");
        return new MpiCommunicator { Rank = rank, Size = size, LocalRank = launch.LocalRank };
    }

    public unsafe void SumInPlace(float[] values, int count)
    {
        if ((uint)count > (uint)values.Length) throw new ArgumentOutOfRangeException(nameof(count));
        fixed (float* p = values)
            Check(MpiNative.MPI_Allreduce(InPlace, (IntPtr)p, count, MpiNative.MPI_FLOAT, MpiNative.MPI_SUM, MpiNative.MPI_COMM_WORLD), "MPI_Allreduce");
    }

    public unsafe void Broadcast(float[] values, int count, int root)
    {
        if ((uint)count > (uint)values.Length) throw new ArgumentOutOfRangeException(nameof(count));
        fixed (float* p = values)
            Check(MpiNative.MPI_Bcast((IntPtr)p, count, MpiNative.MPI_FLOAT, root, MpiNative.MPI_COMM_WORLD), "MPI_Bcast");
    }

    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        MpiNative.MPI_Abort(MpiNative.MPI_COMM_WORLD, exitCode);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        MpiNative.MPI_Finalize();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void Init()
    {
        int argc = 0;
        byte** argv = null;
        Check(MpiNative.MPI_Init_thread(ref argc, ref argv, ThreadSerialized, out int provided), "MPI_Init_thread");
        if (provided < ThreadSerialized) throw new InvalidOperationException($"MPI offers thread level {provided}; GpuGen needs MPI_THREAD_SERIALIZED");
    }

    /// <summary>Points MPI.NET's <c>msmpi.dll</c> imports at MPICH, once per process.</summary>
    private static void ResolveToMpich()
    {
        if (Interlocked.Exchange(ref resolverSet, 1) == 1) return;
        string[] candidates = Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } chosen ? [chosen] : Libraries;
        NativeLibrary.SetDllImportResolver(typeof(MpiNative).Assembly, (name, _, _) =>
        {
            if (!name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
            foreach (string library in candidates)
                if (NativeLibrary.TryLoad(library, out var handle)) return handle;
            throw new DllNotFoundException($"started by mpirun, but no MPI library loads ({string.Join(", ", candidates)}): install MPICH (Debian: apt-get install mpich), or name an MPICH-compatible library in {LibraryVariable}");
        });
    }

    private static void Check(int code, string call)
    {
        if (code != Success) throw new InvalidOperationException($"{call} failed with MPI error {code}");
    }
}
