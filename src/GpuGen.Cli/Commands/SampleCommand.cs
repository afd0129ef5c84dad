using System.CommandLine;
using System.Diagnostics;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Diffusion;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen sample CKPT`: draws samples from a checkpoint with DDPM or DDIM.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "a model.safetensors written by gpugen train" };
        var n = new Option<int>("--n", "-n") { Description = "number of samples", DefaultValueFactory = _ => 1000 };
        var seed = CommonOptions.Seed();
        var npy = new Option<string?>("--npy") { Description = "write the samples [n, 2] as a .npy file" };
        var png = new Option<string?>("--png") { Description = "write a scatter of the samples over the data" };
        var chain = new Option<string?>("--chain-png") { Description = "write a strip of the reverse chain" };
        var sampler = new Option<string>("--sampler") { Description = "ddpm (ancestral, every step) or ddim", DefaultValueFactory = _ => "ddpm" };
        sampler.AcceptOnlyFromAmong("ddpm", "ddim");
        var ddimSteps = new Option<int>("--ddim-steps") { Description = "DDIM: number of steps", DefaultValueFactory = _ => 50 };
        var eta = new Option<float>("--eta") { Description = "DDIM: noise scale η (0 = deterministic)", DefaultValueFactory = _ => 0f };
        var noEma = new Option<bool>("--no-ema") { Description = "use the live weights instead of their moving average" };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var cmd = new Command("sample", "draw samples from a trained model") { checkpoint, n, seed, npy, png, chain, sampler, ddimSteps, eta, noEma, device, json };
        cmd.SetAction(r =>
        {
            int count = r.GetValue(n);
            CommonOptions.Positive(count, "--n");
            string? npyPath = r.GetValue(npy) is { } p1 ? CommonOptions.OutputPath(p1, "--npy") : null;
            string? pngPath = r.GetValue(png) is { } p2 ? CommonOptions.OutputPath(p2, "--png") : null;
            string? chainPath = r.GetValue(chain) is { } p3 ? CommonOptions.OutputPath(p3, "--chain-png") : null;
            using var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            using var run = ToyDiffusion.Load(dev, r.GetValue(checkpoint)!);
            IScheduler scheduler = r.GetValue(sampler) == "ddim"
                ? new DdimScheduler(run.Schedule, r.GetValue(ddimSteps), r.GetValue(eta))
                : new DdpmScheduler(run.Schedule);
            var (observer, frames) = Pictures.ChainRecorder(scheduler);
            ulong s = r.GetValue(seed);
            var clock = Stopwatch.StartNew();
            var samples = run.Sample(count, s, useEma: !r.GetValue(noEma), scheduler, chainPath is null ? null : observer);
            double seconds = clock.Elapsed.TotalSeconds;
            var data = run.DataSample(Math.Max(count, 2), s);
            double mmd = count >= 2 ? Mmd.Squared(samples, data, 2) : double.NaN;
            if (npyPath is not null) Npy.Write(npyPath, samples, [count, 2]);
            if (pngPath is not null) Pictures.SamplesOverData(data, samples, $"{r.GetValue(sampler)} samples, {run.Config.Data}").SavePng(pngPath);
            if (chainPath is not null) Pictures.Chain(frames, data).SavePng(chainPath);
            Console.WriteLine($"{count} samples in {seconds:F2} s with {r.GetValue(sampler)} ({scheduler.Timesteps.Count} steps) on {dev.Name}; MMD² to data {mmd:F5}");
            foreach (var written in new[] { npyPath, pngPath, chainPath }.OfType<string>()) Console.WriteLine($"wrote {written}");
            if (r.GetValue(json))
                Console.WriteLine(new JsonOut().Add("command", "sample").Add("n", count).Add("sampler", r.GetValue(sampler))
                    .Add("steps", scheduler.Timesteps.Count).Add("seconds", seconds).Add("mmd2", mmd).Add("device", dev.Name)
                    .Add("npy", npyPath).Add("png", pngPath));
            return 0;
        });
        return cmd;
    }
}
