using GpuGen.Backends;
using GpuGen.Backends.Cuda;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// What only the CUDA backend has: graph capture and replay, its registry entry and its messages.
/// The kernels themselves run in the shared suites ([DeviceData("cuda:0")] beside every OpenCL row).
/// Device tests skip without a CUDA device; the absence message is checked everywhere.
/// </summary>
public class CudaTests
{
    [Fact]
    public void OpeningAMissingCudaDeviceSaysWhy()
    {
        _ = TestBackends.IsPresent("cpu");
        int count = CudaBackend.DeviceCount;
        var e = Assert.Throws<ArgumentException>(() => DeviceRegistry.Open($"cuda:{count}"));
        Assert.Contains($"cuda:{count}", e.Message);
        if (count == 0)
        {
            Assert.NotNull(CudaBackend.Absence);
            Assert.Contains(CudaBackend.Absence!, e.Message);
            Assert.DoesNotContain(DeviceRegistry.List(), d => d.Info.Kind == "cuda");
        }
        else
        {
            Assert.Contains($"there are {count} CUDA devices", e.Message);
        }
    }

    [Theory]
    [DeviceData("cuda:0")]
    public void RegistryListsAndOpensTheDevice(string device)
    {
        var listed = DeviceRegistry.List().Single(d => d.Name == device);
        Assert.Equal("cuda", listed.Info.Kind);
        Assert.True(listed.Info.ComputeUnits > 0 && listed.Info.MemoryBytes > 0 && listed.Info.MaxWorkGroupSize >= 256, listed.Info.ToString());
        using var opened = DeviceRegistry.Open(device);
        Assert.Equal(device, opened.Name);
    }

    [Theory]
    [DeviceData("cuda:0")]
    public void GraphReplayGivesTheSameBitsAsEagerLaunches(string device)
    {
        var backend = (CudaBackend)TestBackends.Get(device);
        const int n = 96;
        var rng = new System.Random(Environment.TickCount);
        float[] a = new float[n * n], b = new float[n * n];
        for (int i = 0; i < a.Length; i++) (a[i], b[i]) = ((float)rng.NextDouble() - 0.5f, (float)rng.NextDouble() - 0.5f);
        using var da = backend.Allocate(a.Length);
        using var db = backend.Allocate(b.Length);
        using var dc = backend.Allocate(a.Length);
        using var dsum = backend.Allocate(n);
        var k = backend.Kernels;
        void Step()
        {
            k.Gemm(GemmArgs.Simple(n, n, n), da, db, dc);
            k.Unary(UnaryOp.Tanh, (long)n * n, dc, dc);
            k.ReduceSum(n, n, 1, dc, dsum);
            k.GaussianFill(n, seed: 3, stream: 1, offset: 0, db, mean: 0f, std: 0.01f);
            k.Axpby((long)n * n, 1f, db, 1f, da);
        }

        float[] Run(Action step, int times)
        {
            backend.Write(da, 0, a);
            backend.Write(db, 0, b);
            backend.Write(dsum, 0, Enumerable.Repeat(float.NaN, n).ToArray());
            for (int i = 0; i < times; i++) step();
            var sum = new float[n];
            backend.Read(dsum, 0, sum);
            var c = new float[n * n];
            backend.Read(dc, 0, c);
            return [.. sum, .. c];
        }

        float[] eager = Run(Step, 3);
        Assert.DoesNotContain(eager, float.IsNaN);
        using var graph = backend.Capture(Step);
        float[] replayed = Run(() => backend.Replay(graph), 3);
        Assert.Equal(eager.Select(BitConverter.SingleToInt32Bits), replayed.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [DeviceData("cuda:0")]
    public void HostCopiesInsideACaptureAreRefused(string device)
    {
        var backend = (CudaBackend)TestBackends.Get(device);
        using var x = backend.Allocate(4);
        var e = Assert.Throws<InvalidOperationException>(() => backend.Capture(() => backend.Write(x, 0, new float[4])));
        Assert.Contains("CUDA graph", e.Message);
        backend.Kernels.Fill(4, 2f, x); // the stream still works after the failed capture
        var back = new float[4];
        backend.Read(x, 0, back);
        Assert.All(back, v => Assert.Equal(2f, v));
    }
}
