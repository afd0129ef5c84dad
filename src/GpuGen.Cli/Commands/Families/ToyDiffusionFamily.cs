using System.CommandLine;
using System.Diagnostics;
using GpuGen.IO;
using GpuGen.Metrics;
using GpuGen.Models.Diffusion;
using GpuGen.Pictures;

namespace GpuGen.Cli.Commands.Families;

/// <summary>`gpugen sample` and `gpugen eval` for the 2-D toy diffusion model ("ddpm-2d").</summary>
internal static class ToyDiffusionFamily
{
    public static int Sample(ParseResult r, SampleOptions o)
    {
        int count = r.GetValue(o.N);
        string? npyPath = r.GetValue(o.Npy) is { } p1 ? CommonOptions.OutputPath(p1, "--npy") : null;
        string? pngPath = r.GetValue(o.Png) is { } p2 ? CommonOptions.OutputPath(p2, "--grid") : null;
        string? chainPath = r.GetValue(o.Chain) is { } p3 ? CommonOptions.OutputPath(p3, "--chain") : null;
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = ToyDiffusion.Load(dev, r.GetValue(o.Checkpoint)!);
        string samplerName = r.GetValue(o.Sampler)!;
        if (r.GetValue(o.Class) is not null || r.GetValue(o.Guidance) != 1f) throw new CliError($"{ToyDiffusion.Family} models are unconditional: --class and --guidance do not apply");
        var spacing = r.GetValue(o.Spacing) is { } sp ? Timesteps.ParseSpacing(sp) : (TimestepSpacing?)null;
        IScheduler scheduler;
        try
        {
            scheduler = samplerName == "ddim"
                ? new DdimScheduler(run.Schedule, r.GetValue(o.DdimSteps) ?? 50, r.GetValue(o.Eta), spacing: spacing ?? TimestepSpacing.Linspace)
                : new DdpmScheduler(run.Schedule, r.GetValue(o.Variance) == "fixed_small", steps: r.GetValue(o.DdimSteps) ?? 0, spacing: spacing ?? TimestepSpacing.Leading);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliError(e.Message);
        }
        var (observer, frames) = DiffusionPictures.ChainRecorder(scheduler);
        ulong seed = r.GetValue(o.Seed);
        var clock = Stopwatch.StartNew();
        var samples = run.Sample(count, seed, useEma: !r.GetValue(o.NoEma), scheduler, chainPath is null ? null : observer);
        double seconds = clock.Elapsed.TotalSeconds;
        var data = run.DataSample(Math.Max(count, 2), seed);
        double mmd = count >= 2 ? Mmd.Squared(samples, data, 2) : double.NaN;
        if (npyPath is not null) Npy.Write(npyPath, samples, [count, 2]);
        if (pngPath is not null) ToyPictures.SamplesOverData(data, samples, $"{samplerName} samples, {run.Config.Data}").SavePng(pngPath);
        if (chainPath is not null) DiffusionPictures.Chain(frames, data).SavePng(chainPath);
        Console.WriteLine($"{count} samples in {seconds:F2} s with {samplerName} ({scheduler.Timesteps.Count} steps) on {dev.Name}; MMD² to data {mmd:F5}");
        foreach (var written in new[] { npyPath, pngPath, chainPath }.OfType<string>()) Console.WriteLine($"wrote {written}");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "sample").Add("family", ToyDiffusion.Family).Add("n", count).Add("sampler", samplerName)
                .Add("steps", scheduler.Timesteps.Count).Add("seconds", seconds).Add("mmd2", mmd).Add("device", dev.Name)
                .Add("npy", npyPath).Add("png", pngPath));
        return 0;
    }

    /// <summary>MMD² between n model samples and n fresh points of the data distribution.</summary>
    public static int Eval(ParseResult r, EvalOptions o)
    {
        int count = r.GetValue(o.N);
        ulong seed = r.GetValue(o.Seed);
        using var dev = CommonOptions.OpenDevice(r.GetValue(o.Device)!);
        using var run = ToyDiffusion.Load(dev, r.GetValue(o.Checkpoint)!);
        var clock = Stopwatch.StartNew();
        var samples = run.Sample(count, seed, useEma: !r.GetValue(o.NoEma));
        var data = run.DataSample(Math.Max(count, 2), seed);
        double mmd = count >= 2 ? Mmd.Squared(samples, data, 2) : double.NaN;
        Console.WriteLine($"ddpm-2d on {run.Config.Data}, step {run.Step}: MMD² {mmd:F5} between {count} samples and {count} data points ({clock.Elapsed.TotalSeconds:F1} s on {dev.Name})");
        if (r.GetValue(o.Json))
            Console.WriteLine(new JsonOut().Add("command", "eval").Add("family", ToyDiffusion.Family).Add("data", run.Config.Data)
                .Add("step", run.Step).Add("n", count).Add("mmd2", mmd).Add("device", dev.Name));
        return 0;
    }
}
