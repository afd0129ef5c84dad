using GpuGen.Backends.Cpu;
using GpuGen.Bench;

namespace GpuGen.Tests.Kernels;

/// <summary>The FP32 peak that `gpugen bench` and `gpugen check` divide GEMM rates by on CUDA, against datasheet figures.</summary>
public class DevicePeakTests
{
    [Theory]
    [InlineData(132, 9, 0, 1980, 66_900)] // H100 SXM5
    [InlineData(114, 9, 0, 1755, 51_200)] // H100 PCIe
    [InlineData(108, 8, 0, 1410, 19_500)] // A100: 64 FP32 lanes per SM, not 128
    [InlineData(80, 7, 0, 1530, 15_700)]  // V100 SXM2
    [InlineData(128, 8, 9, 2520, 82_600)] // RTX 4090
    public void MatchesTheDatasheet(int sms, int major, int minor, int clockMHz, double datasheetGflops)
    {
        double? peak = DevicePeak.FromAttributes(sms, major, minor, clockMHz);
        Assert.NotNull(peak);
        Assert.InRange(peak.Value / datasheetGflops, 0.995, 1.005);
    }

    [Fact]
    public void UnknownArchitectureOrNonCudaDeviceHasNoPeak()
    {
        Assert.Null(DevicePeak.FromAttributes(20, 6, 1, 1500));
        Assert.NotNull(DevicePeak.FromAttributes(20, 7, 5, 1500)); // the control: a listed architecture does have one
        using var cpu = new CpuBackend();
        var (gflops, source) = DevicePeak.Fp32(cpu);
        Assert.Null(gflops);
        Assert.Contains("not a CUDA device", source);
    }
}
