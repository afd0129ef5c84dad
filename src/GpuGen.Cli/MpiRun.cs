using System.Runtime.CompilerServices;
using GpuGen.Backends.Cpu;
using GpuGen.Distributed;

namespace GpuGen.Cli;

/// <summary>
/// `mpirun -np N gpugen train …`: the launch read from the environment at start-up (nothing of MPI
/// is loaded without one), the quiet of ranks other than 0 (their stdout and stderr go nowhere; a
/// failure of theirs still reaches the real stderr, naming the rank), each rank's device, and MPI
/// itself, started only when training begins.
/// </summary>
internal static class MpiRun
{
    private static TextWriter stderr = Console.Error;

    /// <summary>The launch this process belongs to, or null outside mpirun.</summary>
    public static MpiLaunch? Launch { get; private set; }

    /// <summary>The running MPI, once <see cref="Start"/> has been called.</summary>
    public static ICommunicator? Communicator { get; private set; }

    /// <summary>
    /// Reads the launch from the environment. The processes of one machine share its cores, each taking
    /// an equal share for the CPU backend (unless DOTNET_PROCESSOR_COUNT says otherwise), so N processes
    /// on N cores do not each start a worker per core. Ranks other than 0 go quiet.
    /// </summary>
    public static void Detect()
    {
        Launch = MpiLaunch.Detect();
        if (Launch is { LocalSize: > 1 } && Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") is null)
            CpuBackend.UseCores(Launch.CoresEach(Environment.ProcessorCount));
        if (Launch is not { Rank: > 0 }) return;
        stderr = Console.Error;
        Console.SetOut(TextWriter.Null);
        Console.SetError(TextWriter.Null);
    }

    /// <summary>The device this rank trains on (<see cref="MpiLaunch.DeviceFor"/>); the one asked for outside mpirun.</summary>
    public static string DeviceFor(string spec) => Launch?.DeviceFor(spec) ?? spec;

    /// <summary>Starts MPI for a launched process (null otherwise); the communicator lives until the process ends.</summary>
    public static ICommunicator? Start() => Launch is null ? null : Communicator ??= StartMpi(Launch);

    /// <summary>Whether the ranks have agreed that every one of them set up its training (see <see cref="AgreeSetUp"/>).</summary>
    private static bool agreed;

    /// <summary>
    /// The ranks' agreement that each has set up its training (run folder, device, data, model), so that
    /// none starts training, and waits in a collective forever, while another has failed. A rank that
    /// set up calls this; a rank that failed joins the same collective from <see cref="Fail"/>. If any
    /// rank failed, every rank ends with <see cref="JobEndedException"/>: the ranks that failed say why.
    /// </summary>
    public static void AgreeSetUp()
    {
        if (Communicator is null || agreed) return;
        if (Tally(failedHere: false).Any(f => f > 0)) throw new JobEndedException(1);
    }

    /// <summary>One Allreduce: which ranks failed to set up.</summary>
    private static float[] Tally(bool failedHere)
    {
        agreed = true;
        var failed = new float[Communicator!.Size];
        if (failedHere) failed[Communicator.Rank] = 1;
        Communicator.SumInPlace(failed, failed.Length);
        return failed;
    }

    // Kept out of line so that MPI.NET's assembly is loaded only when a launch calls for it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ICommunicator StartMpi(MpiLaunch launch) => MpiCommunicator.Start(launch);

    /// <summary>
    /// Reports a failure as one line and returns the exit code. Outside mpirun the line is printed. Under
    /// mpirun, a failure while setting up training is tallied with the other ranks (<see cref="AgreeSetUp"/>):
    /// rank 0's is taken as every rank's (the same options and files) and printed by rank 0 alone, another
    /// rank's is printed naming the rank when rank 0 did not fail. A diverged step is every rank's (the
    /// losses are averaged, so every rank sees it at the same step): rank 0 prints it. A rank's own
    /// failure during training is printed naming the rank, and ends the whole job through MPI_Abort, so
    /// that no rank waits for it in a collective forever. Before MPI starts (bad options, a missing MPI
    /// library) every rank meets the same failure: rank 0 prints it.
    /// </summary>
    public static int Fail(string line, int exitCode, bool sharedByAllRanks)
    {
        if (Launch is null)
        {
            Console.Error.WriteLine($"gpugen: {line}");
            return exitCode;
        }
        if (Communicator is not null && !agreed)
        {
            var failed = Tally(failedHere: true);
            if (Launch.Rank == 0) Console.Error.WriteLine($"gpugen: {line}");
            else if (failed[0] == 0) stderr.WriteLine($"gpugen: rank {Launch.Rank} of {Launch.Size}: {line}");
            stderr.Flush();
            Finish();
            return exitCode;
        }
        if (Communicator is null || sharedByAllRanks)
        {
            if (Launch.Rank == 0) Console.Error.WriteLine($"gpugen: {line}");
            return exitCode;
        }
        stderr.WriteLine($"gpugen: rank {Launch.Rank} of {Launch.Size}: {line}");
        stderr.Flush();
        Communicator.Abort(exitCode);
        return exitCode;
    }

    /// <summary>Ends MPI at a normal exit.</summary>
    public static void Finish() => Communicator?.Dispose();
}

/// <summary>The ranks of a job agreed to stop before training (see <see cref="MpiRun.AgreeSetUp"/>); the ranks that failed have said why.</summary>
internal sealed class JobEndedException(int exitCode) : Exception($"another rank failed to set up its training (exit code {exitCode})")
{
    public int ExitCode { get; } = exitCode;
}
