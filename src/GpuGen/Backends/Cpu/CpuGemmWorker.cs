using System.Diagnostics;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The second core: one long-lived background thread that takes half of a GEMM. A call hands it a
/// job through a ticket counter (no allocation, no delegate) and runs the other half itself. Between
/// calls the worker spins for a short while (GEMMs of a training step come back to back, and waking
/// a sleeping thread costs tens of microseconds), then sleeps on a monitor. Only one caller at a
/// time owns the worker; a concurrent caller runs its GEMM on its own thread.
/// </summary>
internal static unsafe partial class CpuGemm
{
    /// <summary>How long the idle worker spins before it sleeps: ~50 µs.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000;

    private static readonly object WorkerGate = new();
    private static readonly object SleepLock = new();
    private static Thread? worker;
    private static Job workerJob;
    private static int requested, completed, sleeping;

    /// <summary>Runs <paramref name="mine"/> here and <paramref name="theirs"/> on the worker; false if the worker is busy.</summary>
    private static bool TryRunPair(in Job mine, in Job theirs)
    {
        if (!Monitor.TryEnter(WorkerGate)) return false;
        try
        {
            if (worker is null)
            {
                worker = new Thread(WorkerLoop) { IsBackground = true, Name = "GpuGen CPU GEMM" };
                worker.Start();
            }
            workerJob = theirs;
            int ticket = Interlocked.Increment(ref requested);
            if (Volatile.Read(ref sleeping) != 0)
                lock (SleepLock) Monitor.Pulse(SleepLock);
            RunJob(mine);
            var spin = new SpinWait();
            while (Volatile.Read(ref completed) != ticket) spin.SpinOnce(sleep1Threshold: -1);
        }
        finally
        {
            Monitor.Exit(WorkerGate);
        }
        return true;
    }

    private static void WorkerLoop()
    {
        int seen = 0;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref requested) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                // Dekker handshake with TryRunPair: we publish "sleeping" before re-reading the
                // ticket, the caller publishes the ticket before reading "sleeping" (both full
                // fences), so at least one of us sees the other and no wake-up is lost.
                lock (SleepLock)
                {
                    Interlocked.Exchange(ref sleeping, 1);
                    while (Volatile.Read(ref requested) == seen) Monitor.Wait(SleepLock);
                    Interlocked.Exchange(ref sleeping, 0);
                }
            }
            seen = Volatile.Read(ref requested);
            RunJob(workerJob);
            Volatile.Write(ref completed, seen);
        }
    }
}
