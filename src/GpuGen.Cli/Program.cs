using System.CommandLine;
using GpuGen.Cli.Commands;
using GpuGen.Training;

namespace GpuGen.Cli;

/// <summary>
/// The `gpugen` command. Problems with the input (unknown flags, bad shapes, missing or broken
/// files, unknown devices) end in one line on stderr naming the problem and a non-zero exit code:
/// 2 for a bad request, 1 for a failure while working. No stack traces.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // Piped or logged output has no terminal width; Spectre would assume 80 columns and fold tables.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 160;
        var root = new RootCommand("gpugen: train and sample generative models with hand-written kernels")
        {
            TrainCommand.Create(),
            SampleCommand.Create(),
            EvalCommand.Create(),
            DataCommand.Create(),
            DevicesCommand.Create(),
            DemoCommand.Create(),
            ExportCommand.Create(),
            BenchCommand.Create(),
            CheckCommand.Create(),
            ViewCommand.Create(),
            ViewBenchCommand.Create(),
        };
        MpiRun.Detect();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"gpugen: {OneLine(parse.Errors[0].Message)} (see gpugen --help)");
            return 2;
        }
        try
        {
            // Under mpirun, MPI starts before a train command opens anything, so that a rank that cannot set up tells the others.
            if (parse.CommandResult.Command.Parents.OfType<Command>().Any(c => c.Name == "train")) MpiRun.Start();
            int code = parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            MpiRun.Finish();
            return code;
        }
        catch (JobEndedException e)
        {
            // Under mpirun, the ranks agreed that setting up failed, and the ranks that failed have said why.
            MpiRun.Finish();
            return e.ExitCode;
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            // Under mpirun: before MPI starts, every rank's failure (the same options); while setting up, tallied over the ranks; during training, a rank's own.
            var (line, code) = Describe(e);
            return MpiRun.Fail(line, code, sharedByAllRanks: false);
        }
        catch (TrainingDivergedException e)
        {
            // The run's folder keeps its last good checkpoint; nothing after the bad step was written.
            int code = MpiRun.Fail(e.Message, 1, sharedByAllRanks: true);
            MpiRun.Finish();
            return code;
        }
        catch (Exception e) when (MpiRun.Communicator is not null)
        {
            // Anything else on one rank of a running job: name the rank and end the job rather than leave the others waiting.
            var (line, code) = Describe(e);
            return MpiRun.Fail(line, code, sharedByAllRanks: false);
        }
    }

    /// <summary>
    /// The line and exit code of a failure: bad input says what is wrong (2 for a bad request, 1 for a
    /// failure while working); anything else is named by its type too.
    /// </summary>
    private static (string Line, int ExitCode) Describe(Exception e) => IsUserFacing(e)
        ? (OneLine(e.Message), e is CliError or ArgumentException ? 2 : 1)
        : ($"{e.GetType().Name}: {OneLine(e.Message)}", 1);

    /// <summary>Folds a multi-line message (System.CommandLine lists choices on lines of their own) into one line.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    private static bool IsUserFacing(Exception e) => e is CliError or ArgumentException or IOException
        or InvalidDataException or KeyNotFoundException or DllNotFoundException or UnauthorizedAccessException
        or NotSupportedException;
}
