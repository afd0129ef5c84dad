using GpuGen.Backends;
using GpuGen.Backends.Cuda;
using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>
/// launch_overhead: 1000 launches of a tiny kernel (y ← 1.0001·x + y on 256 elements) per iteration,
/// so the time is almost all launch cost. Reports µs per kernel issued eagerly and, on a CUDA
/// device, µs per kernel when the same 1000 launches are captured once into a CUDA graph and the
/// graph is replayed (measured the same way, W/R/I included).
/// </summary>
public static class LaunchOverhead
{
    private const int Launches = 1000, Elements = 256;

    public static Workload Workload { get; } = new(
        "launch_overhead", $"{Launches} launches of a {Elements}-element axpby (µs per kernel, eager and CUDA-graphed)",
        device =>
        {
            var x = Tensor.Empty(device, [Elements]);
            var y = Tensor.Empty(device, [Elements]);
            device.Kernels.Fill(Elements, 1f, x.Storage);
            device.Kernels.Fill(Elements, 0f, y.Storage);
            void Burst()
            {
                for (int i = 0; i < Launches; i++) device.Kernels.Axpby(Elements, 1.0001f, x.Storage, 1f, y.Storage);
            }

            CudaGraph? graph = null;
            if (device.Backend is CudaBackend cuda)
            {
                Burst(); // compiles the kernel: nothing may compile during capture
                device.Synchronize();
                graph = cuda.Capture(Burst);
            }
            return new WorkloadRun(
                Burst, Warmup: 3, Reps: 7, Inner: 5,
                m =>
                {
                    var metrics = new Dictionary<string, double> { ["us_per_kernel_eager"] = m.MedianSeconds / Launches * 1e6, ["ms"] = m.MedianSeconds * 1e3 };
                    if (graph is not null && device.Backend is CudaBackend cu)
                    {
                        var g = Timer.Measure(() => cu.Replay(graph), device.Synchronize, 3, 7, 5);
                        metrics["us_per_kernel_graphed"] = g.MedianSeconds / Launches * 1e6;
                    }
                    return metrics;
                },
                new Resources(graph, x, y));
        });

    private sealed class Resources(CudaGraph? graph, params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            graph?.Dispose();
            foreach (var item in items) item.Dispose();
        }
    }
}
