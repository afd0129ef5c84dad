using GpuGen.Backends;
using GpuGen.Models.Diffusion;
using GpuGen.Tensors;
using GpuGen.Tests.Support;
using Xunit.Abstractions;

namespace GpuGen.Tests.Models;

/// <summary>
/// The 2-D DDPM run end to end on a device against the same run on the CPU: same seed, so the same
/// initial weights, batches, timesteps and noise (Philox, bit-identical by construction), and every
/// kernel of the step (GEMM, SiLU, timestep embedding, q-sample, MSE, column sums, Adam, EMA) runs on
/// the device. What may differ is only float32 rounding: the device sums in another order (GEMM
/// tiles of 16 with FMA vs the CPU's SIMD blocks; pairwise vs lane-wise reductions) and its exp, log,
/// sin, cos may differ in the last ulp.
/// </summary>
public sealed class ToyDiffusionDeviceTests(ITestOutputHelper output)
{
    private static Device Open(string name) =>
        TestBackends.OpenDevice(name);

    private static readonly ToyDiffusionConfig Config = new(Data: "8gaussians", Batch: 128, Seed: 21, EmaDecay: 0.99f);

    [Theory]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void TrainingAndSamplingMatchTheCpu(string device)
    {
        // ILGPU's CPU accelerator runs the GPU kernels on OS threads at ~0.05 GFLOP/s: 20 steps there
        // (still every kernel of the step, 20 times), 200 on real devices.
        int steps = device == "ilgpu-cpu" ? 20 : 200, tail = Math.Min(50, steps / 2);
        var (cpuLoss, cpuFresh, cpuTrained) = Run("cpu", steps);
        var (devLoss, devFresh, devTrained) = Run(device, steps);

        var rel = cpuLoss.Zip(devLoss, (a, b) => Math.Abs(a - b) / Math.Abs(a)).ToArray();
        double lastCpu = cpuLoss.TakeLast(tail).Average(), lastDev = devLoss.TakeLast(tail).Average();
        double freshDiff = MaxAbs(cpuFresh, devFresh), trainedDiff = MaxAbs(cpuTrained, devTrained);
        string report = $"step 0 rel {rel[0]:g3}; max rel over steps 0-9 {rel.Take(10).Max():g3}, over all {rel.Max():g3} (at {Array.IndexOf(rel, rel.Max())}); " +
            $"mean of last {tail}: cpu {lastCpu:F5} {device} {lastDev:F5} (rel {Math.Abs(lastCpu - lastDev) / lastCpu:g3}); " +
            $"DDIM samples max |diff|: fresh {freshDiff:g3}, trained {trainedDiff:g3}";
        output.WriteLine(report);

        // Tolerances. At step 0 the losses are the same function of the same numbers evaluated with a
        // different rounding order: an MSE of 256 terms through three 128-wide layers is good to a few
        // ulps, so 1e-5 (≈ 170 ulps) leaves room for devices that contract FMAs differently. Later
        // steps add Adam's feedback: a rounding difference in g moves each weight by at most
        // lr·|Δg|/(√v + ε) per step, and where v is tiny that is a relative change of g — so the runs
        // stay within rounding of each other unless the dynamics amplify it. PoCL measures ≤ 3e-7
        // relative per step over 200 steps (and the last-50 means agree to 6 digits); a wrong kernel
        // (a missed tile, a dropped β term, a wrong Adam bias correction) shows up at ≥ 1e-3 at once.
        // We allow 1e-4 per step and 2e-5 on the mean of the last 50 steps (the training signal),
        // a few hundred times the measured drift, for hardware whose reductions round differently.
        Assert.True(rel[0] < 1e-5, report);
        Assert.True(rel.Max() < 1e-4, report);
        Assert.True(Math.Abs(lastCpu - lastDev) / lastCpu < 2e-5, report);

        // Samples: 10 DDIM steps from the same x_T. Each step predicts x̂₀ = (x_t − √(1−ᾱ)·ε̂)/√ᾱ, and at
        // t = 999 1/√ᾱ ≈ 160 magnifies an ε̂ rounding difference (~1e-6) to ~1e-4, which the later
        // steps carry along (PoCL: 9e-5 for the untrained net, whose ε̂ is far from the noise; 8e-6 for
        // the trained EMA net). Samples are O(1) (the 8 modes sit at radius 2), so 2e-3 is
        // still a tight bound: a sampler bug moves points by O(0.1–1).
        Assert.True(freshDiff < 2e-3, report);
        Assert.True(trainedDiff < 2e-3, report);
    }

    /// <summary>The loss curve, DDIM samples of the fresh model and of the trained one (EMA weights).</summary>
    private static (float[] Losses, float[] Fresh, float[] Trained) Run(string name, int steps)
    {
        using var device = Open(name);
        using var run = ToyDiffusion.Create(device, Config);
        var ddim = new DdimScheduler(run.Schedule, 10);
        var fresh = run.Sample(64, seed: 5, useEma: false, scheduler: ddim);
        var losses = new float[steps];
        for (int i = 0; i < steps; i++) losses[i] = run.TrainStep();
        var trained = run.Sample(64, seed: 5, scheduler: ddim);
        Assert.Equal(trained, run.Sample(64, seed: 5, scheduler: ddim)); // same seed, same device: the same bits
        Assert.All(trained, v => Assert.True(float.IsFinite(v)));
        return (losses, fresh, trained);
    }

    private static double MaxAbs(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
