using System.CommandLine;
using GpuGen.Backends;
using GpuGen.IO;
using Spectre.Console;

namespace GpuGen.Cli.Commands;

/// <summary>`gpugen devices`: what this machine can run on.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var cmd = new Command("devices", "list the devices GpuGen can use") { json };
        cmd.SetAction(r =>
        {
            var devices = DeviceRegistry.List();
            var table = new Table().AddColumns("device", "name", "driver", "compute units", "memory", "max work-group");
            foreach (var (name, info) in devices)
                table.AddRow(name, Markup.Escape(info.Name), Markup.Escape(info.Driver), info.ComputeUnits.ToString(),
                    $"{info.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB", info.MaxWorkGroupSize.ToString());
            AnsiConsole.Write(table);
            if (Backends.Ilgpu.IlgpuDevices.CudaAbsence is { } noCuda) Console.Error.WriteLine($"no CUDA devices: {noCuda}");
            // OpenCL devices ILGPU cannot drive are listed, each with the reason in one line.
            foreach (var (name, info) in devices.Where(d => d.Info.Details.Contains("not usable:", StringComparison.Ordinal)))
                Console.Error.WriteLine($"{name} ({info.Name}): {info.Details[(info.Details.IndexOf("not usable:", StringComparison.Ordinal))..]}");
            if (r.GetValue(json))
                Console.WriteLine(new JsonOut().Add("devices", devices.Select(d => new JsonOut()
                    .Add("device", d.Name).Add("name", d.Info.Name).Add("kind", d.Info.Kind).Add("driver", d.Info.Driver)
                    .Add("compute_units", d.Info.ComputeUnits).Add("memory_bytes", d.Info.MemoryBytes)
                    .Add("max_work_group_size", d.Info.MaxWorkGroupSize).Add("details", d.Info.Details))));
            return 0;
        });
        return cmd;
    }
}
