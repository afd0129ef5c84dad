using System.CommandLine;
using System.Globalization;
using GpuGen.IO;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen export CKPT OUT`: a trained checkpoint as a small float16 file for shipping (models/):
/// the EMA weights (or the live ones with --live) and buffers, the config and step; Adam's state
/// and the second weight copy are dropped, so the file samples and evaluates but does not resume.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("checkpoint") { Description = "a .safetensors checkpoint written by gpugen train" };
        var output = new Argument<string>("out") { Description = "the float16 .safetensors file to write (replaced atomically)" };
        var live = new Option<bool>("--live") { Description = "export the live weights instead of their moving average" };
        var json = CommonOptions.Json();
        var cmd = new Command("export", "write a trained model's weights as a small float16 safetensors file (no optimizer state)")
        {
            source, output, live, json,
        };
        cmd.SetAction(r =>
        {
            string from = r.GetValue(source)!, to = r.GetValue(output)!;
            if (Path.GetFullPath(from) == Path.GetFullPath(to)) throw new CliError($"export: {to} is the checkpoint itself; name another file");
            CommonOptions.OutputPath(to, "export:");
            var s = CheckpointExport.ToFloat16(from, to, useEma: !r.GetValue(live));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{to}: {s.Family} at step {s.Step}, {s.Weights:N0} {(s.Ema ? "EMA" : "live")} weights in float16, {s.Bytes:N0} bytes ({s.SourceBytes:N0} before); largest rounding error {s.MaxAbsError:G3}"));
            if (r.GetValue(json))
                Console.WriteLine(new JsonOut().Add("command", "export").Add("family", s.Family).Add("step", s.Step)
                    .Add("weights", s.Ema ? "ema" : "live").Add("parameters", s.Weights).Add("bytes", s.Bytes)
                    .Add("source_bytes", s.SourceBytes).Add("max_abs_error", s.MaxAbsError).Add("out", to));
            return 0;
        });
        return cmd;
    }
}
