using GpuGen.Backends;
using GpuGen.Backends.Ilgpu;
using GpuGen.Tensors;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// The ILGPU backend itself: the device list, the errors for devices that are missing or refused, buffer
/// ownership, and the launch geometry's edge cases. The kernels run in the shared suites (an
/// "ilgpu-cpu" row beside every "cpu" row, and "cuda:0" / "opencl:0" rows where those exist).
/// </summary>
public class IlgpuBackendTests
{
    [Fact]
    public void TheCpuAcceleratorIsListedBesideTheManagedCpu()
    {
        var devices = DeviceRegistry.List();
        Assert.Equal("cpu", devices[0].Name);
        var ilgpu = Assert.Single(devices, d => d.Name == "ilgpu-cpu");
        Assert.Equal("ilgpu-cpu", ilgpu.Info.Kind);
        Assert.Contains("ILGPU", ilgpu.Info.Driver);
        Assert.True(ilgpu.Info.MaxWorkGroupSize >= 4, $"groups of {ilgpu.Info.MaxWorkGroupSize}: the GEMM tiling needs 4");
    }

    [Fact]
    public void OpeningAMissingCudaDeviceSaysWhy()
    {
        int count = IlgpuDevices.Cuda.Count;
        var e = Assert.Throws<ArgumentException>(() => Device.Open($"cuda:{count}"));
        Assert.Contains($"cuda:{count}", e.Message);
        Assert.Contains(count == 0 ? "no NVIDIA driver" : "there are", e.Message);
        Assert.NotNull(DeviceRegistry.Absence($"cuda:{count}"));
    }

    [Fact]
    public void EveryOpenClDeviceIsListed_AndARefusedOneIsAClearError()
    {
        var found = IlgpuDevices.OpenCl;
        var listed = DeviceRegistry.List().Where(d => d.Info.Kind == "opencl").ToList();
        Assert.Equal(found.Count, listed.Count);
        for (int i = 0; i < found.Count; i++)
        {
            string name = $"opencl:{i}";
            if (found[i].Refusal is { } why)
            {
                Assert.Contains("not usable: " + why, listed[i].Info.Details);
                var e = Assert.Throws<ArgumentException>(() => Device.Open(name));
                Assert.Contains(name, e.Message);
                Assert.Contains("OpenCL C", e.Message);
                Assert.NotNull(DeviceRegistry.Absence(name));
            }
            else Assert.Null(DeviceRegistry.Absence(name));
        }
        var past = Assert.Throws<ArgumentException>(() => Device.Open($"opencl:{found.Count}"));
        Assert.Contains($"opencl:{found.Count}", past.Message);
    }

    [Fact]
    public void PoclIsFoundAndRefusedWithItsReason()
    {
        // ./test installs PoCL (OpenCL C 1.2, no generic address space): the positive control that the loader
        // resolves libOpenCL.so.1 and that a device ILGPU cannot drive is reported, not hidden.
        var pocl = IlgpuDevices.OpenCl.Where(d => d.Device.PlatformName.Contains("Portable Computing Language", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(pocl);
        Assert.All(pocl, d => Assert.Contains("OpenCL C 2.0", d.Refusal));
    }

    [Fact]
    public void BuffersOfAnotherBackendAreRefused()
    {
        using var a = IlgpuBackend.Cpu();
        using var cpu = new GpuGen.Backends.Cpu.CpuBackend();
        using var foreign = cpu.Allocate(4);
        using var own = a.Allocate(4);
        var e = Assert.Throws<ArgumentException>(() => a.Kernels.Fill(4, 1f, foreign));
        Assert.Contains("another backend", e.Message);
        a.Kernels.Fill(4, 2f, own);
        var back = new float[4];
        a.Read(own, 0, back);
        Assert.Equal([2f, 2f, 2f, 2f], back);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Read(own, 2, new float[3]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4099)]
    public void GridStrideLaunchesCoverEveryElement(int n)
    {
        // More elements than threads in the launch: every element written once, none past the end.
        using var h = new KernelHarness(TestBackends.Get("ilgpu-cpu"));
        var x = h.Poisoned(n + 3);
        h.K.Fill(n, 5f, x);
        var got = h.Read(x);
        Assert.All(got.Take(n), v => Assert.Equal(5f, v));
        Assert.All(got.Skip(n), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void ZeroLengthBuffersAndLaunchesAreFine()
    {
        var b = TestBackends.Get("ilgpu-cpu");
        using var empty = b.Allocate(0);
        Assert.Equal(0, empty.Length);
        b.Kernels.Fill(0, 1f, empty);
        b.Write(empty, 0, ReadOnlySpan<float>.Empty);
        b.Synchronize();
    }

    [Fact]
    public void CuBlasNeedsCuda()
    {
        using var a = IlgpuBackend.Cpu();
        Assert.False(a.SupportsCuBlas);
        Assert.False(a.TryUseCuBlas(out string? why));
        Assert.Contains("CUDA", why);
        Assert.False(a.UseCuBlas);
    }
}
