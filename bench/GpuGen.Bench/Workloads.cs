using GpuGen.Backends;
using GpuGen.Models.Diffusion;
using GpuGen.Nn;
using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>The workloads GpuGen implements so far, by their shared/WORKLOADS.md names.</summary>
public static class Workloads
{
    public static IReadOnlyList<Workload> All { get; } =
    [
        Sgemm(512, warmup: 5, reps: 10, inner: 10),
        Sgemm(1024, warmup: 3, reps: 7, inner: 3),
        Sgemm(2048, warmup: 1, reps: 5, inner: 1),
        Conv2dFwdBwd(),
        DdpmToyStep(),
    ];

    public static Workload Find(string name) =>
        All.FirstOrDefault(w => w.Name == name)
        ?? throw new ArgumentException($"unknown workload '{name}' (expected one of {string.Join(", ", All.Select(w => w.Name))})");

    /// <summary>Runs one workload on a device and returns its numbers.</summary>
    public static WorkloadResult Run(Workload workload, Device device)
    {
        var run = workload.Setup(device);
        try
        {
            var m = Timer.Measure(run.Iteration, device.Synchronize, run.Warmup, run.Reps, run.Inner);
            return new WorkloadResult(workload.Name, m, run.Metrics(m));
        }
        finally
        {
            run.Resources?.Dispose();
        }
    }

    /// <summary>(a) sgemm_n{N}: A, B ~ N(0,1) n×n, C = A·B; GFLOP/s = 2n³ / median / 1e9.</summary>
    private static Workload Sgemm(int n, int warmup, int reps, int inner) => new(
        $"sgemm_n{n}", $"C = A·B, {n}×{n} float32",
        device =>
        {
            var a = Tensor.Empty(device, [n, n]);
            var b = Tensor.Empty(device, [n, n]);
            var c = Tensor.Empty(device, [n, n]);
            device.Kernels.GaussianFill(a.Length, seed: 1, stream: 0, offset: 0, a.Storage);
            device.Kernels.GaussianFill(b.Length, seed: 1, stream: 1, offset: 0, b.Storage);
            var args = GemmArgs.Simple(n, n, n);
            return new WorkloadRun(
                () => device.Kernels.Gemm(args, a.Storage, b.Storage, c.Storage),
                warmup, reps, inner,
                m => new Dictionary<string, double> { ["gflops"] = 2.0 * n * n * n / m.MedianSeconds / 1e9, ["ms"] = m.MedianSeconds * 1e3 },
                new Disposables(a, b, c));
        });

    /// <summary>
    /// (b) conv2d_fwd_bwd: x [64,32,28,28] (requires grad), Conv2d(32→64, 3×3, pad 1, bias), y = conv(x),
    /// backward from a fixed g ~ N(0,1) [64,64,28,28] through the tape: dX, dW, db. Gradients are
    /// zeroed before each iteration (our backward accumulates; PyTorch's run sets them to None).
    /// GFLOP/s counts 3 × the forward's 2·64·64·32·9·28·28 = 1.850 GFLOP.
    /// </summary>
    private static Workload Conv2dFwdBwd() => new(
        "conv2d_fwd_bwd", "Conv2d 32→64 3×3 pad 1 on [64,32,28,28], forward + backward (dX, dW, db)",
        device =>
        {
            var conv = new Conv2d(device, 32, 64, 3, new Initializer(2), padding: 1);
            var x = Tensor.Empty(device, [64, 32, 28, 28]);
            var g = Tensor.Empty(device, [64, 64, 28, 28]);
            device.Kernels.GaussianFill(x.Length, seed: 2, stream: 100, offset: 0, x.Storage);
            device.Kernels.GaussianFill(g.Length, seed: 2, stream: 101, offset: 0, g.Storage);
            x.RequiresGrad = true;
            Tensor[] leaves = [x, conv.Weight, conv.Bias!];
            double flops = 3 * 2.0 * 64 * 64 * 32 * 9 * 28 * 28;
            return new WorkloadRun(
                () =>
                {
                    foreach (var t in leaves)
                        if (t.Grad is { } grad) device.Kernels.Fill(grad.Length, 0f, grad.Storage);
                    using var scope = device.Step();
                    var y = conv.Forward(x);
                    y.Grad = g.Detach();
                    scope.Tape.Run();
                },
                Warmup: 3, Reps: 7, Inner: 3,
                m => new Dictionary<string, double> { ["gflops"] = flops / m.MedianSeconds / 1e9, ["ms"] = m.MedianSeconds * 1e3 },
                new Disposables(conv, x, g));
        });

    /// <summary>(c) ddpm_2d_step: one training step of the 2-D DDPM (batch 1024, the 37,762-parameter ε-MLP, Adam 1e-3).</summary>
    private static Workload DdpmToyStep() => new(
        "ddpm_2d_step", "DDPM training step on 8 gaussians, batch 1024",
        device =>
        {
            var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Data: "8gaussians", Batch: 1024, LearningRate: 1e-3f, Seed: 3, EmaDecay: 0f));
            long parameters = run.Model.ParameterCount();
            return new WorkloadRun(
                () => run.TrainStep(),
                Warmup: 20, Reps: 7, Inner: 50,
                m => new Dictionary<string, double> { ["steps_per_s"] = 1 / m.MedianSeconds, ["ms"] = m.MedianSeconds * 1e3, ["params"] = parameters },
                run);
        });

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}
