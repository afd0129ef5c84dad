using GpuGen.Data;
using GpuGen.Distributed;
using GpuGen.Tensors;

namespace GpuGen.Tests.Distributed;

/// <summary>What data-parallel training rests on without MPI: the launch read from the environment, and the batch shares.</summary>
public class DataParallelTests
{
    private static Func<string, string?> Environment(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void TheLaunchIsReadFromMpichsEnvironment()
    {
        Assert.Null(MpiLaunch.Detect(Environment()));   // outside mpirun: nothing, and MPI is not touched
        var launch = MpiLaunch.Detect(Environment(("PMI_RANK", "3"), ("PMI_SIZE", "4"), ("MPI_LOCALRANKID", "1")));
        Assert.Equal(new MpiLaunch(3, 4, 1), launch);
        Assert.Equal(new MpiLaunch(2, 4, 2), MpiLaunch.Detect(Environment(("PMI_RANK", "2"), ("PMI_SIZE", "4"))));   // no local rank: the rank
        var openMpi = Assert.Throws<PlatformNotSupportedException>(() => MpiLaunch.Detect(Environment(("OMPI_COMM_WORLD_SIZE", "2"), ("PMI_RANK", "0"), ("PMI_SIZE", "2"))));
        Assert.Contains("Open MPI", openMpi.Message);
        var garbled = Assert.Throws<FormatException>(() => MpiLaunch.Detect(Environment(("PMI_RANK", "x"), ("PMI_SIZE", "2"))));
        Assert.Equal("the MPI launcher set PMI_RANK=x, not a count", garbled.Message);
    }

    [Fact]
    public void TheProcessesOfAMachineShareItsCores()
    {
        var launch = MpiLaunch.Detect(Environment(("PMI_RANK", "1"), ("PMI_SIZE", "4"), ("MPI_LOCALRANKID", "1"), ("MPI_LOCALNRANKS", "2")))!;
        Assert.Equal(2, launch.LocalSize);
        Assert.Equal((8, 1, 1), (launch.CoresEach(16), launch.CoresEach(3), launch.CoresEach(1)));   // an equal share, at least one
        var alone = MpiLaunch.Detect(Environment(("PMI_RANK", "0"), ("PMI_SIZE", "4")))!;   // a launcher that does not say: all of them
        Assert.Equal((1, 16), (alone.LocalSize, alone.CoresEach(16)));
    }

    [Fact]
    public void EachProcessTakesTheGpuOfItsPlaceOnItsMachine()
    {
        var launch = new MpiLaunch(5, 8, 1);
        Assert.Equal(("cuda:1", "opencl:1"), (launch.DeviceFor("cuda"), launch.DeviceFor("opencl")));
        Assert.Equal(("cuda:0", "cpu", "ilgpu-cpu"), (launch.DeviceFor("cuda:0"), launch.DeviceFor("cpu"), launch.DeviceFor("ilgpu-cpu")));   // as given
    }

    [Fact]
    public void SharesSplitTheGlobalBatchEvenly()
    {
        var share = new BatchShare(2, 4);
        Assert.Equal(16, share.Rows(64));
        Assert.Equal(32, share.FirstRow(16));
        Assert.Equal(32UL * 784, share.Offset(16, 784));
        Assert.Equal((64, 0), (BatchShare.Whole.Rows(64), BatchShare.Whole.FirstRow(64)));
        var odd = Assert.Throws<ArgumentException>(() => share.Rows(63));
        Assert.Equal("--batch 63 does not split evenly over 4 processes; give a multiple of 4", odd.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchShare(4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchShare(0, 0));
    }

    [Fact]
    public void TheSharesOfALoaderAreItsWholeBatchesInOrder()
    {
        const int count = 40, side = 4;
        var pixels = new byte[count * side * side];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 % 251);
        var data = new Dataset(pixels, count, 1, side, side, Enumerable.Range(0, count).Select(i => i % 10).ToArray());
        using var device = Device.Cpu();
        var options = new DataLoaderOptions { BatchSize = 12, Seed = 9, StartBatch = 2 };   // 3 batches an epoch: the run crosses epochs
        using var whole = new DataLoader(data, device, options);
        var shares = Enumerable.Range(0, 3).Select(r => new DataLoader(data, device, options with { Share = new BatchShare(r, 3) })).ToArray();
        try
        {
            for (int step = 0; step < 5; step++)
            {
                using var batch = whole.Next();
                var parts = shares.Select(s => s.Next()).ToArray();
                Assert.Equal(batch.Indices.ToArray(), parts.SelectMany(p => p.Indices.ToArray()));
                Assert.Equal(batch.Images.ToArray(), parts.SelectMany(p => p.Images.ToArray()));
                Assert.Equal(batch.Labels!.ToIntArray(), parts.SelectMany(p => p.Labels!.ToIntArray()));
                foreach (var p in parts) p.Dispose();
            }
        }
        finally
        {
            foreach (var s in shares) s.Dispose();
        }
        Assert.Throws<ArgumentException>(() => new DataLoader(data, device, options with { Share = new BatchShare(0, 5) }));   // 12 rows over 5
    }
}
