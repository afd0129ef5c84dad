using GpuGen.Tensors;

namespace GpuGen.Tests;

public class BufferPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(65)]
    [InlineData(1000)]
    [InlineData(123457)]
    public void SizeClassCoversRequestWithBoundedWaste(long length)
    {
        long size = BufferPool.SizeClass(length);
        Assert.True(size >= length);
        Assert.True(size <= Math.Max(64, length * 1.25 + 64), $"size class {size} for {length}");
    }

    [Fact]
    public void ReturnedBufferIsReusedWithoutDriverAllocation()
    {
        using var device = Device.Cpu();
        var a = device.Pool.Rent(1000);
        device.Pool.Return(a);
        long before = device.Pool.DriverAllocations;
        var b = device.Pool.Rent(990);
        Assert.Same(a, b);
        Assert.Equal(before, device.Pool.DriverAllocations);
    }

    [Fact]
    public void MissesGoToTheDriverAndAreCounted()
    {
        // The positive control of the test above: the counter does move when the pool cannot serve.
        using var device = Device.Cpu();
        var pool = device.Pool;
        long start = pool.DriverAllocations;
        var a = pool.Rent(1000);                              // first buffer of its size class
        Assert.Equal(start + 1, pool.DriverAllocations);
        var b = pool.Rent(1000);                              // the class's only buffer is still out
        Assert.NotSame(a, b);
        Assert.Equal(start + 2, pool.DriverAllocations);
        pool.Return(a);
        var c = pool.Rent(5000);                              // a free buffer of another class does not serve it
        Assert.True(c.Length >= 5000 && c.Length != a.Length, $"size class {c.Length}");
        Assert.Equal(start + 3, pool.DriverAllocations);
        Assert.Same(a, pool.Rent(1000));                      // and the returned one is reused: no fourth call
        Assert.Equal(start + 3, pool.DriverAllocations);
        pool.Return(b);
        pool.Trim();
        var d = pool.Rent(1000);                              // its free buffer given back to the driver: the driver again
        Assert.Equal(start + 4, pool.DriverAllocations);
        foreach (var buffer in new[] { a, c, d }) buffer.Dispose();
    }
}
