using GpuGen.Backends;
using GpuGen.Backends.Ilgpu;
using GpuGen.Models.Diffusion;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>The workloads GpuGen implements so far, by their bench/README.md names.</summary>
public static class Workloads
{
    public static IReadOnlyList<Workload> All { get; } =
    [
        Sgemm(512, warmup: 5, reps: 10, inner: 10),
        Sgemm(1024, warmup: 3, reps: 7, inner: 3),
        Sgemm(2048, warmup: 1, reps: 5, inner: 1),
        Sgemm(4096, warmup: 1, reps: 5, inner: 1),
        SgemmShapes.Workload,
        Conv2dFwdBwd(),
        DdpmToyStep(),
        DdpmUNetStep(),
        DdpmUNetSample(),
        LatentWorkloads.VaeMlpStep(),
        LatentWorkloads.RealNvpMlpStep(),
        LaunchOverhead.Workload,
        AdversarialWorkloads.DcganStep(),
        AdversarialWorkloads.PixelCnnStep(),
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
                m =>
                {
                    double flops = 2.0 * n * n * n;
                    var metrics = new Dictionary<string, double> { ["gflops"] = flops / m.MedianSeconds / 1e9, ["ms"] = m.MedianSeconds * 1e3 };
                    // On CUDA the same GEMM through cuBLAS, timed the same way: the hand-written kernel's ratio to it.
                    if (device.Backend is IlgpuBackend { SupportsCuBlas: true } ilgpu && ilgpu.TryUseCuBlas(out _))
                    {
                        try
                        {
                            var blas = Timer.Measure(() => device.Kernels.Gemm(args, a.Storage, b.Storage, c.Storage), device.Synchronize, warmup, reps, inner);
                            metrics["cublas_gflops"] = flops / blas.MedianSeconds / 1e9;
                            metrics["ratio_to_cublas"] = blas.MedianSeconds / m.MedianSeconds;
                        }
                        finally
                        {
                            ilgpu.UseCuBlas = false;
                        }
                    }
                    return metrics;
                },
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

    /// <summary>
    /// (d) ddpm_unet_step: one DDPM training step of the small UNet (475,393 parameters) on 64 images
    /// [1, 28, 28] drawn by random index from a pool of 1024 synthetic U(−1, 1) images; Adam 2e-4.
    /// </summary>
    private static Workload DdpmUNetStep() => new(
        "ddpm_unet_step", "DDPM training step of the small UNet, batch 64 × 1×28×28",
        device =>
        {
            const int pool = 1024, batch = 64, pixels = 28 * 28;
            var images = new float[pool * pixels];
            for (int i = 0; i < images.Length; i++) images[i] = 2 * Random.Philox.Uniform(Random.Philox.Bits(4, 0, (ulong)i)) - 1;
            var net = new UNet(device, new UNetConfig(), new Initializer(4));
            var adam = new Adam(net.Parameters(), lr: 2e-4f);
            var trainer = new DiffusionTrainer(new UNetDenoiser(net), NoiseSchedule.Linear(), adam, seed: 4);
            var x0 = Tensor.Zeros(device, batch, 1, 28, 28);
            var host = new float[batch * pixels];
            long step = 0;
            return new WorkloadRun(
                () =>
                {
                    // 64 random indices into the pool, from Philox (part of the step, as in the workload).
                    for (int b = 0; b < batch; b++)
                    {
                        int index = Random.Philox.UniformInt(Random.Philox.Bits(4, 1, (ulong)(step * batch + b)), 0, pool);
                        images.AsSpan(index * pixels, pixels).CopyTo(host.AsSpan(b * pixels));
                    }
                    step++;
                    x0.CopyFrom(host);
                    trainer.TrainStep(x0);
                },
                Warmup: 2, Reps: 5, Inner: 2,
                m => new Dictionary<string, double> { ["steps_per_s"] = 1 / m.MedianSeconds, ["ms"] = m.MedianSeconds * 1e3, ["params"] = net.ParameterCount() },
                new Disposables(x0, trainer, adam, net));
        });

    /// <summary>
    /// (e) ddpm_unet_sample: ancestral DDPM sampling with the UNet, batch 64, no gradients; timesteps
    /// 999, 998, … are timed and the 1000-step time extrapolated from the median per-step time.
    /// </summary>
    private static Workload DdpmUNetSample() => new(
        "ddpm_unet_sample", "DDPM sampling with the small UNet, batch 64 (per step, extrapolated to 1000)",
        device =>
        {
            const int batch = 64;
            var net = new UNet(device, new UNetConfig(), new Initializer(5));
            var model = new UNetDenoiser(net);
            var scheduler = new DdpmScheduler(NoiseSchedule.Linear());
            var x = Tensor.Empty(device, [batch, 1, 28, 28]);
            device.Kernels.GaussianFill(x.Length, 5, 0, 0, x.Storage);
            int index = 0;
            return new WorkloadRun(
                () =>
                {
                    DiffusionSampler.Step(model, scheduler, device, x, index % scheduler.Timesteps.Count, seed: 5);
                    index++;
                },
                Warmup: 2, Reps: 5, Inner: 3,
                m => new Dictionary<string, double>
                {
                    ["sec_per_denoise_step"] = m.MedianSeconds,
                    ["extrapolated_s"] = 1000 * m.MedianSeconds,
                    ["images_per_s"] = batch / (1000 * m.MedianSeconds),
                    ["params"] = net.ParameterCount(),
                },
                new Disposables(x, net));
        });
}
