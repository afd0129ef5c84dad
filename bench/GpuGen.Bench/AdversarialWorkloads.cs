using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Random;
using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>The GAN and PixelCNN workloads of bench/README.md (h, i), on the library's own training steps.</summary>
public static class AdversarialWorkloads
{
    /// <summary>
    /// (h) dcgan_step: one D and one G update of the DCGAN pair on 64 real images drawn by random index
    /// from a pool of 1024 synthetic U(−1, 1) images (the drawing is part of the step); Adam 2e-4, β (0.5, 0.999).
    /// </summary>
    public static Workload DcganStep() => new(
        "dcgan_step", "DCGAN step (one D and one G update), batch 64 × 1×28×28",
        device =>
        {
            const int pool = 1024, batch = 64, pixels = 28 * 28;
            var images = new float[pool * pixels];
            for (int i = 0; i < images.Length; i++) images[i] = 2 * Philox.Uniform(Philox.Bits(8, 0, (ulong)i)) - 1;
            var run = Gan.Create(device, new GanConfig { Data = "synthetic", Batch = batch, Seed = 8 });
            var real = Tensor.Zeros(device, batch, 1, 28, 28);
            var host = new float[batch * pixels];
            long step = 0;
            return new WorkloadRun(
                () =>
                {
                    for (int b = 0; b < batch; b++)
                    {
                        int index = Philox.UniformInt(Philox.Bits(8, 1, (ulong)(step * batch + b)), 0, pool);
                        images.AsSpan(index * pixels, pixels).CopyTo(host.AsSpan(b * pixels));
                    }
                    step++;
                    real.CopyFrom(host);
                    run.TrainStep(real);
                },
                Warmup: 3, Reps: 5, Inner: 4,
                m => new Dictionary<string, double>
                {
                    ["steps_per_s"] = 1 / m.MedianSeconds, ["ms"] = m.MedianSeconds * 1e3,
                    ["params"] = run.G.ParameterCount() + run.D.ParameterCount(),
                },
                new Disposables(real, run));
        });

    /// <summary>
    /// (i) pixelcnn_step: one Adam step of the PixelCNN on 32 images of uniform random bytes drawn by index
    /// from a pool of 1024; x = v/255, 256-way cross-entropy per pixel; Adam 1e-3.
    /// </summary>
    public static Workload PixelCnnStep() => new(
        "pixelcnn_step", "PixelCNN training step, batch 32 × 1×28×28, 256-way softmax per pixel",
        device =>
        {
            const int pool = 1024, batch = 32, pixels = 28 * 28;
            var data = new byte[pool * pixels];
            for (int i = 0; i < data.Length; i++) data[i] = (byte)Philox.UniformInt(Philox.Bits(9, 0, (ulong)i), 0, 256);
            var run = PixelCnn.Create(device, new PixelCnnConfig { Data = "synthetic", Seed = 9 });
            var host = new byte[batch * pixels];
            long step = 0;
            return new WorkloadRun(
                () =>
                {
                    for (int b = 0; b < batch; b++)
                    {
                        int index = Philox.UniformInt(Philox.Bits(9, 1, (ulong)(step * batch + b)), 0, pool);
                        data.AsSpan(index * pixels, pixels).CopyTo(host.AsSpan(b * pixels));
                    }
                    step++;
                    run.TrainStep(host, batch);
                },
                Warmup: 2, Reps: 5, Inner: 3,
                m => new Dictionary<string, double> { ["steps_per_s"] = 1 / m.MedianSeconds, ["ms"] = m.MedianSeconds * 1e3, ["params"] = run.Net.ParameterCount() },
                run);
        });
}
