using System.CommandLine;
using System.Diagnostics;
using GpuGen.Backends.Cpu;
using GpuGen.Backends;
using GpuGen.Bench.Parity;
using GpuGen.Bench;
using GpuGen.IO;
using Spectre.Console;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen check --device D`: every kernel of the contract on D against the `cpu` reference (fresh
/// seeded inputs at awkward sizes, outputs poisoned with NaN), one row per case. Exit 1 when any case
/// differs beyond its tolerance, 2 when D cannot be opened.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var device = CommonOptions.Device();
        var json = CommonOptions.Json();
        var cmd = new Command("check", "run every kernel on a device and on cpu and compare the outputs") { device, json };
        cmd.SetAction(r =>
        {
            string spec = r.GetValue(device)!;
            if (DeviceRegistry.Absence(spec) is { } why) throw new CliError($"check: {why}");
            using var backend = DeviceRegistry.OpenBackend(spec);
            using var reference = new CpuBackend();
            var cases = ParityCases.For(backend, out string? noCuBlas);
            var missing = ParityCases.ContractMethods.Except(cases.Select(c => c.Kernel.Split(' ')[0])).ToList();
            Console.Error.WriteLine($"checking {cases.Count} kernel launches on {backend.Name} ({backend.Info.Name}) against cpu ...");
            var clock = Stopwatch.StartNew();
            var results = KernelParity.Run(backend, reference, cases,
                res => { if (!res.Passed) Console.Error.WriteLine($"FAIL {res.Kernel} [{res.Shape}]: {Describe(res)}"); });
            double seconds = clock.Elapsed.TotalSeconds;
            int failed = results.Count(x => !x.Passed);
            var table = new Table().AddColumns("kernel", "shape", "max |diff|", "max rel", "tolerance", "");
            foreach (var res in results)
                table.AddRow(Markup.Escape(res.Kernel), Markup.Escape(res.Shape), $"{res.MaxAbsDiff:E2}", $"{res.MaxRelDiff:E2}",
                    $"{res.Tolerance:E0}", res.Passed ? "[green]ok[/]" : $"[red]{Markup.Escape(res.Error ?? "FAIL")}[/]");
            AnsiConsole.Write(table);
            var (peak, peakSource) = DevicePeak.Fp32(backend);
            Console.WriteLine($"{backend.Name}: {results.Count - failed} of {results.Count} cases within tolerance, "
                + $"{ParityCases.ContractMethods.Count - missing.Count} of {ParityCases.ContractMethods.Count} contract methods covered, {seconds:F1} s");
            if (noCuBlas is not null) Console.WriteLine($"no cuBLAS rows: {noCuBlas}");
            foreach (var name in missing) Console.Error.WriteLine($"check: no parity case for IKernels.{name}");
            bool passed = failed == 0 && missing.Count == 0;
            if (r.GetValue(json)) Console.WriteLine(Json(backend, results, missing, seconds, peak, peakSource, noCuBlas, passed));
            return passed ? 0 : 1;
        });
        return cmd;
    }

    private static string Describe(ParityResult res) => res.Error ?? $"max rel {res.MaxRelDiff:E2} > {res.Tolerance:E0} (max |diff| {res.MaxAbsDiff:E2})";

    private static JsonOut Json(IBackend backend, IReadOnlyList<ParityResult> results, IReadOnlyList<string> missing, double seconds,
        double? peak, string peakSource, string? noCuBlas, bool passed)
    {
        // Per kernel: the worst of its cases.
        var kernels = new JsonOut();
        foreach (var group in results.GroupBy(x => x.Kernel))
            kernels.Add(group.Key, new JsonOut()
                .Add("cases", group.Count())
                .Add("max_abs_diff", group.Max(x => x.MaxAbsDiff))
                .Add("max_rel_diff", group.Max(x => x.MaxRelDiff))
                .Add("tolerance", group.Min(x => x.Tolerance))
                .Add("passed", group.All(x => x.Passed)));
        return new JsonOut()
            .Add("device", backend.Name).Add("device_name", backend.Info.Name).Add("reference", "cpu")
            .Add("fp32_peak_gflops", peak ?? double.NaN).Add("fp32_peak_source", peakSource)
            .Add("cublas_checked", noCuBlas is null).Add("cublas_absence", noCuBlas)
            .Add("kernels", kernels)
            .Add("cases", results.Select(x => new JsonOut()
                .Add("kernel", x.Kernel).Add("shape", x.Shape).Add("max_abs_diff", x.MaxAbsDiff).Add("max_rel_diff", x.MaxRelDiff)
                .Add("tolerance", x.Tolerance).Add("passed", x.Passed).Add("error", x.Error)))
            .Add("summary", new JsonOut()
                .Add("cases", results.Count).Add("failed", results.Count(x => !x.Passed))
                .Add("kernels", results.Select(x => x.Kernel).Distinct().Count())
                .Add("failed_kernels", results.Where(x => !x.Passed).Select(x => x.Kernel).Distinct())
                .Add("contract_methods", ParityCases.ContractMethods.Count).Add("missing_methods", missing)
                .Add("seconds", seconds).Add("passed", passed));
    }
}
