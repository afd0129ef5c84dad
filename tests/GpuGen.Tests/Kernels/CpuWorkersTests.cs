using GpuGen.Backends.Cpu;
using GpuGen.Tests.Support;
using Xunit;

namespace GpuGen.Tests.Kernels;

/// <summary>The shared CPU worker pool: every chunk runs exactly once, however launches overlap.</summary>
public sealed unsafe class CpuWorkersTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(1000)]
    public void RunsEveryChunkExactlyOnce(int chunks)
    {
        for (int rep = 0; rep < 50; rep++)
        {
            var counts = new int[chunks];
            fixed (int* p = counts) CpuWorkers.Run(&Count, p, chunks);
            Assert.All(counts, c => Assert.Equal(1, c));
        }
    }

    [Fact]
    public void ConcurrentAndNestedLaunchesEachRunEveryChunkOnce()
    {
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int rep = 0; rep < 200; rep++)
            {
                var counts = new int[8 * 8];
                fixed (int* p = counts) CpuWorkers.Run(&Nested, p, 8);
                Assert.All(counts, c => Assert.Equal(1, c));
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
    }

    [Fact]
    public void ExceptionInAnyChunkReachesTheCallerAndThePoolKeepsWorking()
    {
        for (int thrower = 0; thrower < 16; thrower += 5)
        {
            var counts = new int[17];
            counts[16] = thrower;
            Assert.Throws<InvalidOperationException>(() =>
            {
                fixed (int* p = counts) CpuWorkers.Run(&ThrowOnOne, p, 16);
            });
            Assert.Equal(0, counts[thrower]);
            var again = new int[64];
            fixed (int* p = again) CpuWorkers.Run(&Count, p, 64);
            Assert.All(again, c => Assert.Equal(1, c));
        }
    }

    [MultiCoreFact]
    public void WithoutALoanTheFirstWorkerTakesChunks()
    {
        // The positive control of the test below: the same launches, no loan, and worker 1 does run
        // some chunks, so "no chunk on worker 1" there is the loan's doing and not a check that
        // cannot fail. On a loaded machine a launch can run on the caller alone (a descheduled
        // worker, the stall back-off of up to 1 s, a launch of another test holding the pool), so
        // launches repeat until one reaches worker 1, for up to 30 s; on a quiet machine the first does.
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + 30 * System.Diagnostics.Stopwatch.Frequency;
        int launches = 0, onWorker1 = 0;
        while (onWorker1 == 0 && System.Diagnostics.Stopwatch.GetTimestamp() < until)
        {
            var marks = new int[32];
            fixed (int* p = marks) CpuWorkers.Run(&MarkWorker1, p, marks.Length);
            onWorker1 = marks.Sum();
            launches++;
        }
        Assert.True(onWorker1 > 0, $"worker 1 ran no chunk in {launches} launches without a loan");
    }

    [MultiCoreFact]
    public void WhileACoreIsLentTheFirstWorkerSitsLaunchesOut()
    {
        // Chunks slow enough (~100 µs) that an awake worker always takes some from the back.
        for (int rep = 0; rep < 20; rep++)
        {
            var onWorker1 = new int[32];
            var loan = CpuWorkers.LendCore();
            try
            {
                fixed (int* p = onWorker1) CpuWorkers.Run(&MarkWorker1, p, onWorker1.Length);
            }
            finally
            {
                loan.Dispose();
                loan.Dispose(); // a second dispose returns nothing more
            }
            Assert.All(onWorker1, w => Assert.Equal(0, w));
        }
        // The loan is over: every chunk still runs exactly once.
        var counts = new int[64];
        fixed (int* p = counts) CpuWorkers.Run(&Count, p, counts.Length);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    private static void MarkWorker1(void* context, int chunk)
    {
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency / 10_000;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(10);
        ((int*)context)[chunk] = Thread.CurrentThread.Name == "GpuGen CPU worker 1" ? 1 : 0;
    }

    private static void Count(void* context, int chunk) => Interlocked.Increment(ref ((int*)context)[chunk]);

    /// <summary>Each outer chunk launches 8 inner chunks (which run inline: the pool is taken).</summary>
    private static void Nested(void* context, int chunk) => CpuWorkers.Run(&Count, (int*)context + 8 * chunk, 8);

    /// <summary>Counts its chunk, except the chunk named in context[16], which throws.</summary>
    private static void ThrowOnOne(void* context, int chunk)
    {
        if (chunk == ((int*)context)[16]) throw new InvalidOperationException($"chunk {chunk}");
        Count(context, chunk);
    }
}
