using GpuGen.Backends;
using GpuGen.Backends.Gpu;
using GpuGen.Backends.OpenCL;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// The driver's compile counters are shared by every test on the device: a program another test class
/// compiles in parallel would move them between two reads. These tests run alone, after the others.
/// </summary>
[CollectionDefinition(nameof(OpenClCacheTests), DisableParallelization = true)]
[Collection(nameof(OpenClCacheTests))]
public class OpenClCacheTests
{
    [Theory]
    [DeviceData("opencl:0")]
    public void ProgramsComeFromTheDiskCacheTheSecondTime(string device)
    {
        // A backend of its own, so that no other test's compiles move its counters.
        _ = TestBackends.IsPresent(device); // sets the cache folders first
        using var backend = new OpenClBackend(DeviceRegistry.Parse(device).Index);
        string source = KernelSources.Text("prelude.h") + $"\nGG_KERNEL void cached(GG_GLOBAL float* x) {{ x[0] = {Environment.TickCount64}.0f; }}\n";
        int hits = backend.Driver.CacheHits, builds = backend.Driver.SourceBuilds;
        backend.Driver.Compile("cache probe", source, "").Dispose();
        Assert.Equal(builds + 1, backend.Driver.SourceBuilds);
        backend.Driver.Compile("cache probe", source, "").Dispose();
        Assert.Equal(hits + 1, backend.Driver.CacheHits);
    }
}
