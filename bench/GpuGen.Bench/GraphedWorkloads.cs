using GpuGen.Models.Diffusion;
using GpuGen.Nn;
using GpuGen.Optim;
using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>
/// ddpm_unet_step and ddpm_unet_sample with every step run through a <see cref="GraphedStep"/>: on
/// CUDA one captured graph per kind of step, replayed with its per-step scalars updated (the
/// `--graphs` path); on other devices the same as the eager workloads. The batch upload of the
/// training step stays outside the graph; the loss is not read back (a read would end the graph).
/// </summary>
public static class GraphedWorkloads
{
    public static Workload UNetStep { get; } = new(
        "ddpm_unet_step_graphed", "ddpm_unet_step with each training step replayed as a CUDA graph",
        device =>
        {
            const int pool = 1024, batch = 64, pixels = 28 * 28;
            var images = new float[pool * pixels];
            for (int i = 0; i < images.Length; i++) images[i] = 2 * GpuGen.Random.Philox.Uniform(GpuGen.Random.Philox.Bits(4, 0, (ulong)i)) - 1;
            var net = new UNet(device, new UNetConfig(), new Initializer(4));
            var adam = new Adam(net.Parameters(), lr: 2e-4f);
            var trainer = new DiffusionTrainer(new UNetDenoiser(net), NoiseSchedule.Linear(), adam, seed: 4);
            var x0 = Tensor.Zeros(device, batch, 1, 28, 28);
            var host = new float[batch * pixels];
            var runner = new GraphedStep(device, warmup: 1);
            long step = 0;
            void Train()
            {
                using var scope = device.Step();
                var loss = trainer.Loss(x0, trainer.Step);
                adam.ZeroGrad();
                loss.Backward();
                adam.Step();
            }

            return new WorkloadRun(
                () =>
                {
                    for (int b = 0; b < batch; b++)
                    {
                        int index = GpuGen.Random.Philox.UniformInt(GpuGen.Random.Philox.Bits(4, 1, (ulong)(step * batch + b)), 0, pool);
                        images.AsSpan(index * pixels, pixels).CopyTo(host.AsSpan(b * pixels));
                    }
                    step++;
                    x0.CopyFrom(host);
                    runner.Run(Train);
                },
                Warmup: 3, Reps: 5, Inner: 2,
                m => new Dictionary<string, double>
                {
                    ["steps_per_s"] = 1 / m.MedianSeconds, ["ms"] = m.MedianSeconds * 1e3, ["params"] = net.ParameterCount(),
                    ["graph_kernels"] = runner.KernelCount, ["graph_nodes_updated"] = runner.LastUpdated,
                },
                new Disposables(runner, x0, trainer, adam, net));
        });

    public static Workload UNetSample { get; } = new(
        "ddpm_unet_sample_graphed", "ddpm_unet_sample with each denoising step replayed as a CUDA graph",
        device =>
        {
            const int batch = 64;
            var net = new UNet(device, new UNetConfig(), new Initializer(5));
            var model = new UNetDenoiser(net);
            var scheduler = new DdpmScheduler(NoiseSchedule.Linear());
            var x = Tensor.Empty(device, [batch, 1, 28, 28]);
            device.Kernels.GaussianFill(x.Length, 5, 0, 0, x.Storage);
            var runner = new GraphedStep(device, warmup: 1);
            int index = 0;
            return new WorkloadRun(
                () =>
                {
                    int i = index % scheduler.Timesteps.Count;
                    runner.Run(() => DiffusionSampler.Step(model, scheduler, device, x, i, seed: 5), scheduler.AddsNoise(i));
                    index++;
                },
                Warmup: 3, Reps: 5, Inner: 3,
                m => new Dictionary<string, double>
                {
                    ["sec_per_denoise_step"] = m.MedianSeconds,
                    ["extrapolated_s"] = 1000 * m.MedianSeconds,
                    ["images_per_s"] = batch / (1000 * m.MedianSeconds),
                    ["params"] = net.ParameterCount(),
                    ["graph_kernels"] = runner.KernelCount,
                },
                new Disposables(runner, x, net));
        });

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}
