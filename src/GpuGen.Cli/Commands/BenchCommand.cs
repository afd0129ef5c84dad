using System.CommandLine;
using GpuGen.Bench;
using GpuGen.IO;
using Spectre.Console;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen bench [names…]`: the workloads of bench/README.md on one device.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var names = new Argument<string[]>("workloads") { Description = "workloads to run (default: all): " + string.Join(", ", Workloads.All.Select(w => w.Name)), Arity = ArgumentArity.ZeroOrMore };
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var profile = new Option<int>("--profile")
        {
            Description = "instead of timing, profile N iterations kernel by kernel (median ms per iteration for each kernel and shape)",
        };
        var cublas = CommonOptions.CuBlas();
        var cmd = new Command("bench", "time the benchmark workloads") { names, device, json, profile, cublas };
        cmd.SetAction(r =>
        {
            var chosen = (r.GetValue(names) is { Length: > 0 } list ? list : Workloads.All.Select(w => w.Name).ToArray())
                .Select(Workloads.Find).ToList();
            using var dev = CommonOptions.OpenDevice(r.GetValue(device)!, r.GetValue(cublas));
            if (r.GetValue(profile) is int iterations and > 0)
            {
                foreach (var w in chosen) PrintProfile(w, dev, iterations);
                return 0;
            }
            int threads = Environment.ProcessorCount;
            Console.Error.WriteLine($"measuring the FMA peak of {threads} threads ...");
            double peak = FmaPeak.MeasureGflops(threads);
            var results = new List<WorkloadResult>();
            foreach (var w in chosen)
            {
                Console.Error.WriteLine($"running {w.Name} on {dev.Name} ...");
                results.Add(Workloads.Run(w, dev));
            }
            var table = new Table().AddColumns("workload", "result", "median ms", "min ms", "max ms", "W/R/I", "foreign busy", "own cpu/wall");
            foreach (var res in results)
            {
                var m = res.Measurement;
                string headline = res.Metrics.TryGetValue("gflops", out var g) ? $"{g:F1} GFLOP/s ({g / peak:P0} of peak)"
                    : res.Metrics.TryGetValue("steps_per_s", out var s) ? $"{s:F0} steps/s" : "";
                table.AddRow(res.Name, headline, $"{m.MedianSeconds * 1e3:F3}", $"{m.MinSeconds * 1e3:F3}", $"{m.MaxSeconds * 1e3:F3}",
                    $"{m.Warmup}/{m.Reps}/{m.Inner}", $"{m.ForeignBusyFraction:P0}", $"{m.OwnCpuPerWall:F2}");
            }
            AnsiConsole.Write(table);
            Console.WriteLine($"device {dev}; FMA peak {peak:F0} GFLOP/s on {threads} threads");
            if (r.GetValue(json))
            {
                // On CUDA, GEMM rates also as a fraction of the card's FP32 peak (the CPU FMA peak above is the host's).
                var (devicePeak, devicePeakSource) = DevicePeak.Fp32(dev.Backend);
                var map = new JsonOut();
                foreach (var res in results)
                {
                    var o = new JsonOut();
                    foreach (var (k, v) in res.Metrics) o.Add(k, v);
                    if (res.Metrics.TryGetValue("gflops", out var g)) o.Add("fraction_of_peak", g / peak);
                    if (devicePeak is double dp)
                        foreach (var key in new[] { "gflops", "cublas_gflops" })
                            if (res.Metrics.TryGetValue(key, out var rate)) o.Add(key.Replace("gflops", "fraction_of_device_peak", StringComparison.Ordinal), rate / dp);
                    var m = res.Measurement;
                    o.Add("median_s", m.MedianSeconds).Add("min_s", m.MinSeconds).Add("max_s", m.MaxSeconds)
                     .Add("warmup", m.Warmup).Add("reps", m.Reps).Add("inner", m.Inner).Add("attempts", m.Attempts)
                     .Add("foreign_busy_frac", m.ForeignBusyFraction).Add("own_cpu_per_wall", m.OwnCpuPerWall);
                    map.Add(res.Name, o);
                }
                Console.WriteLine(new JsonOut().Add("device", dev.Name).Add("device_name", dev.Backend.Info.Name)
                    .Add("cublas", dev.Backend is Backends.Ilgpu.IlgpuBackend { UseCuBlas: true })
                    .Add("threads", threads).Add("fma_peak_gflops", peak)
                    .Add("device_fp32_peak_gflops", devicePeak ?? double.NaN).Add("device_fp32_peak_source", devicePeakSource).Add("results", map));
            }
            return 0;
        });
        return cmd;
    }

    private static void PrintProfile(Workload workload, Tensors.Device dev, int iterations)
    {
        Console.Error.WriteLine($"profiling {workload.Name} on {dev.Name} ({iterations} iterations) ...");
        var (rows, total) = KernelProfile.Run(workload, dev, iterations);
        double sum = rows.Sum(x => x.Milliseconds);
        var table = new Table().AddColumns("kernel", "shape", "calls", "ms/iter", "share");
        foreach (var row in rows.Where(x => x.Milliseconds >= 0.002 * sum))
            table.AddRow(Markup.Escape(row.Kernel), Markup.Escape(row.Shape), $"{row.Calls}", $"{row.Milliseconds:F2}", $"{row.Milliseconds / sum:P1}");
        AnsiConsole.Write(table);
        var byKernel = rows.GroupBy(x => x.Kernel).Select(g => (g.Key, Ms: g.Sum(x => x.Milliseconds), Calls: g.Sum(x => x.Calls)))
            .OrderByDescending(x => x.Ms);
        var summary = new Table().AddColumns("kernel", "calls", "ms/iter", "share");
        foreach (var (kernel, ms, calls) in byKernel)
            summary.AddRow(Markup.Escape(kernel), $"{calls}", $"{ms:F2}", $"{ms / sum:P1}");
        AnsiConsole.Write(summary);
        Console.WriteLine($"{workload.Name}: kernels {sum:F1} ms of {total:F1} ms per iteration (median of {iterations})");
    }
}
