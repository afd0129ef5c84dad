using GpuGen.Data;
using GpuGen.Models.Flows;
using GpuGen.Models.Vae;
using GpuGen.Random;
using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>The VAE and flow workloads of bench/README.md: (f) vae_mlp_step and (g) realnvp_mlp_step.</summary>
public static class LatentWorkloads
{
    /// <summary>
    /// (f) vae_mlp_step: one training step of the MLP VAE (784 → 512 → 256 → 2×20, 20 → 256 → 512 → 784
    /// logits, Bernoulli likelihood, Adam 1e-3) on 128 rows picked by random index from a pool of 1024
    /// Bernoulli(0.5) binary rows; the gather and upload are part of the step.
    /// </summary>
    public static Workload VaeMlpStep() => new(
        "vae_mlp_step", "VAE training step, MLP 784-512-256-20, batch 128 binary rows",
        device =>
        {
            const int pool = 1024, batch = 128, dim = 784;
            var rows = new float[pool * dim];
            for (int i = 0; i < rows.Length; i++) rows[i] = Philox.Uniform(Philox.Bits(6, 0, (ulong)i)) < 0.5f ? 1f : 0f;
            var vae = Vae.Create(device, new VaeConfig(Seed: 6));
            var x = Tensor.Zeros(device, batch, 1, 28, 28);
            var host = new float[batch * dim];
            long step = 0;
            return new WorkloadRun(
                () =>
                {
                    for (int b = 0; b < batch; b++)
                    {
                        int index = Philox.UniformInt(Philox.Bits(6, 1, (ulong)(step * batch + b)), 0, pool);
                        rows.AsSpan(index * dim, dim).CopyTo(host.AsSpan(b * dim));
                    }
                    step++;
                    x.CopyFrom(host);
                    vae.TrainStep(x);
                },
                Warmup: 10, Reps: 7, Inner: 20,
                m => new Dictionary<string, double> { ["steps_per_s"] = 1 / m.MedianSeconds, ["ms"] = m.MedianSeconds * 1e3, ["params"] = vae.Network.ParameterCount() },
                new Disposables(x, vae));
        });

    /// <summary>
    /// (g) realnvp_mlp_step: one training step of RealNVP (8 affine checkerboard couplings, s- and t-nets
    /// 784 → 512 → 512 → 784, 17,068,288 parameters; dequantization + logit transform, α = 0.05; loss in
    /// bits/dim; Adam 1e-4) on 128 rows picked by random index from a pool of 1024 rows of uniform ints 0…255.
    /// </summary>
    public static Workload RealNvpMlpStep() => new(
        "realnvp_mlp_step", "RealNVP training step, 8 affine couplings with 784-512-512-784 nets, batch 128",
        device =>
        {
            const int pool = 1024, dim = 784;
            var pixels = new byte[pool * dim];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)Philox.UniformInt(Philox.Bits(7, 0, (ulong)i), 0, 256);
            var data = new Dataset(pixels, pool, 1, 28, 28, name: "uniform-ints");
            var flow = Flow.Create(device, new FlowConfig(Seed: 7), data);
            return new WorkloadRun(
                () => flow.TrainStep(),
                Warmup: 2, Reps: 5, Inner: 2,
                m => new Dictionary<string, double> { ["steps_per_s"] = 1 / m.MedianSeconds, ["ms"] = m.MedianSeconds * 1e3, ["params"] = flow.Network.ParameterCount() },
                flow);
        });
}
