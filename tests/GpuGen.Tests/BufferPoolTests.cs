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
}
