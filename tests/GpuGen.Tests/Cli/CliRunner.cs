using System.Diagnostics;

namespace GpuGen.Tests.Cli;

/// <summary>Runs the real `gpugen` (the CLI assembly beside the tests) as a child process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string LastLine => Stdout.TrimEnd().Split('\n').Last().Trim();

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Result Run(string workingDirectory, params string[] args) => RunWithEnvironment(workingDirectory, null, args);

    /// <summary>Runs a command that may take longer than the usual 3 minutes (the slow ILGPU CPU accelerator).</summary>
    public static Result RunSlow(string workingDirectory, TimeSpan limit, params string[] args) => RunWithEnvironment(workingDirectory, null, args, limit);

    /// <summary>Runs with some environment variables changed (null removes one).</summary>
    public static Result RunWithEnvironment(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        RunWithEnvironment(workingDirectory, environment, args, TimeSpan.FromMinutes(3));

    /// <summary>Runs `mpirun.mpich -np <paramref name="processes"/> gpugen …`, as a user starts a data-parallel run.</summary>
    public static Result RunUnderMpi(string workingDirectory, int processes, params string[] args) =>
        RunWithEnvironment(workingDirectory, null, args, TimeSpan.FromMinutes(3), ["mpirun.mpich", "-np", processes.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    /// <summary>
    /// Runs two processes under one `mpirun.mpich`, rank 0 with <paramref name="rank0"/> and rank 1 with
    /// <paramref name="rank1"/> (MPMD, `-np 1 A : -np 1 B`): a job in which one rank meets what the other does not.
    /// </summary>
    public static Result RunUnderMpiEach(string workingDirectory, string[] rank0, string[] rank1) =>
        RunWithEnvironment(workingDirectory, null, rank1, TimeSpan.FromMinutes(3), ["mpirun.mpich", "-np", "1", "dotnet", CliDll, .. rank0, ":", "-np", "1"]);

    /// <summary>The CLI assembly beside the tests.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "GpuGen.Cli.dll");

    private static Result RunWithEnvironment(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, string[] args, TimeSpan limit, string[]? launcher = null)
    {
        var psi = new ProcessStartInfo(launcher?[0] ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (launcher is not null)
        {
            foreach (var a in launcher[1..]) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"gpugen {string.Join(' ', args)} did not finish in {limit.TotalMinutes:F0} minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
