using System.CommandLine;
using System.Globalization;
using GpuGen.Backends.Cpu;
using GpuGen.Data;
using GpuGen.Distributed;
using GpuGen.IO;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// What every `gpugen train FAMILY` does around <see cref="TrainingDriver"/>: decides where the run
/// starts (<see cref="RunFolder"/>), opens the device, lets the family's recipe build or load its model, shows
/// the progress bar, prints the outcome and, with --json, the summary as the last line.
/// </summary>
internal static class TrainRunner
{
    public static int Run(ParseResult r, TrainOptions o, string command, OpenTraining open, Func<ITrainingRun, Action<TrainingProgress>>? watch = null)
    {
        string dir = r.GetValue(o.Output)!;
        ulong seed = r.GetValue(o.Seed);
        var options = new TrainingOptions(dir, r.GetValue(o.Steps), r.GetValue(o.MaxSeconds), r.GetValue(o.Every), r.GetValue(o.SampleEvery), seed);
        options.Validate();
        string? init = r.GetValue(o.Init), resumeRequest = o.ResumeRequest(r);
        if (init is not null && resumeRequest is not null) throw new CliError("--init starts a new run and --resume continues one: give one of them");
        var resume = init is not null ? RunFolder.StartFrom(dir, init, r.GetValue(o.Force), Console.Out)
            : RunFolder.Resolve(dir, resumeRequest, r.GetValue(o.Force), Console.Out);
        using var dev = CommonOptions.OpenDevice(MpiRun.DeviceFor(r.GetValue(o.Device)!));
        using var run = open(dev, resume);
        if (run.Step >= options.Steps) Console.WriteLine($"the model has already taken {run.Step} steps (--steps {options.Steps}): nothing to train");
        if (MpiRun.Launch is { } launch) run.Share(new BatchShare(launch.Rank, launch.Size));
        // Every rank has its run folder, device, data and model: train only if all of them have.
        MpiRun.AgreeSetUp();
        var parallel = MpiRun.Communicator is { } communicator ? new DataParallel(communicator) : null;
        string processes = parallel is null ? "" : $" ×{parallel.Size} processes (data-parallel, mpirun{(dev.Name == "cpu" ? $"; {CpuBackend.Cores} of the machine's {Environment.ProcessorCount} cores each" : "")})";
        Console.WriteLine($"training {command} on {run.Info.DataName} on {dev}{processes}: {run.Info.Description}, {run.Info.Parameters:N0} parameters, from step {run.Step}");

        var result = Drive(run, options with { ResumedFrom = resume?.Path }, watch?.Invoke(run), parallel);
        if (parallel is { IsRoot: false }) return 0;
        var json = Report(run, result, $"train {command}", seed).Add("world_size", parallel?.Size ?? 1);
        if (parallel is not null) ReportCommunication(parallel, result, json);
        if (r.GetValue(o.Json)) Console.WriteLine(json.Add("device", dev.Name));
        return 0;
    }

    /// <summary>The driver under a progress bar; <paramref name="watcher"/> sees every step too (a live view).</summary>
    public static TrainingResult Drive(ITrainingRun run, TrainingOptions options, Action<TrainingProgress>? watcher = null, DataParallel? parallel = null)
    {
        using var bar = new ProgressBar("train", options.Steps - run.Step);
        return TrainingDriver.Run(run, options, p =>
        {
            string rate = p.StepsPerSecond.ToString(p.StepsPerSecond >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture);
            bar.Report(p.Done, $"{p.Status}  {rate} steps/s  ETA {ProgressBar.Eta(p.Seconds, p.Fraction)}", p.Fraction);
            watcher?.Invoke(p);
        }, parallel);
    }

    /// <summary>What the processes spent talking: rank 0's seconds in collectives (waiting for the others included) and the gradient bytes averaged per step.</summary>
    private static void ReportCommunication(DataParallel parallel, TrainingResult result, JsonOut json)
    {
        double perStep = result.StepsRun > 0 ? parallel.CommunicationSeconds / result.StepsRun : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{parallel.Size} processes: {perStep * 1e3:F2} ms a step in MPI collectives ({perStep * result.StepsPerSecond:P0} of the step), {parallel.GradientValues * 4:N0} gradient bytes averaged a step"));
        json.Add("cores_per_process", CpuBackend.Cores).Add("comm_seconds", parallel.CommunicationSeconds).Add("comm_ms_per_step", perStep * 1e3).Add("gradient_bytes_per_step", parallel.GradientValues * 4);
    }

    /// <summary>Prints how the run went and returns its summary: the common numbers, each series' final value, then the family's.</summary>
    public static JsonOut Report(ITrainingRun run, TrainingResult result, string command, ulong seed)
    {
        var finals = run.Series.Select((_, i) => (double)result.Final(i)).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.StepsRun} steps in {result.Seconds:F1} s ({result.StepsPerSecond:F2} steps/s); {run.Status(finals)} (mean of the last 100)"));
        var json = new JsonOut().Add("command", command).Add("family", run.Info.Family).Add("data", run.Info.DataName)
            .Add("steps", result.Step).Add("steps_run", result.StepsRun).Add("seconds", result.Seconds).Add("steps_per_s", result.StepsPerSecond);
        for (int i = 0; i < run.Series.Count; i++) json.Add(run.Series[i].JsonKey, result.Final(i));
        json.Add("first_loss", result.First(0)).Add("parameters", run.Info.Parameters);
        run.Finish(json, result, seed, Console.Out);
        Console.WriteLine($"wrote {result.Checkpoint}, {string.Join(", ", result.Files)}");
        return json.Add("checkpoint", result.Checkpoint).Add("samples_png", Path.Combine(Path.GetDirectoryName(result.Checkpoint)!, "samples.png"));
    }
}
