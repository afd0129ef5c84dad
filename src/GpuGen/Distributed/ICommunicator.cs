namespace GpuGen.Distributed;

/// <summary>
/// The processes of one data-parallel run and the two collectives it needs. <see cref="MpiCommunicator"/>
/// is the one GpuGen ships (MPI through MPI.NET); the interface keeps the training code free of MPI,
/// so that nothing loads MPI in a run that does not use it.
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's place in the run, 0 … <see cref="Size"/> − 1; rank 0 writes what the run writes.</summary>
    int Rank { get; }

    /// <summary>Processes in the run.</summary>
    int Size { get; }

    /// <summary>This process's place among the processes on its machine (which GPU it takes).</summary>
    int LocalRank { get; }

    /// <summary>Replaces the first <paramref name="count"/> values on every process by their sum over the processes.</summary>
    void SumInPlace(float[] values, int count);

    /// <summary>Replaces the first <paramref name="count"/> values on every process by rank <paramref name="root"/>'s.</summary>
    void Broadcast(float[] values, int count, int root);

    /// <summary>Ends every process of the run with <paramref name="exitCode"/> (after this process has said why).</summary>
    void Abort(int exitCode);
}
