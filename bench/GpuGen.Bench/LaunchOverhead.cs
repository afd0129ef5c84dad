using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>
/// launch_overhead: 1000 launches of a tiny kernel (y ← 1.0001·x + y on 256 elements) per iteration,
/// so the time is almost all launch cost: µs per kernel issued (asynchronously, on the device's one
/// stream; the timer synchronises once per iteration).
/// </summary>
public static class LaunchOverhead
{
    private const int Launches = 1000, Elements = 256;

    public static Workload Workload { get; } = new(
        "launch_overhead", $"{Launches} launches of a {Elements}-element axpby (µs per kernel)",
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

            return new WorkloadRun(
                Burst, Warmup: 2, Reps: 5, Inner: 2,
                m => new Dictionary<string, double> { ["us_per_kernel"] = m.MedianSeconds / Launches * 1e6, ["ms"] = m.MedianSeconds * 1e3 },
                new Disposables(x, y));
        });
}
