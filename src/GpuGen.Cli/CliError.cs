namespace GpuGen.Cli;

/// <summary>A problem with what the user asked for; printed as one line, exit code 2.</summary>
public sealed class CliError(string message) : Exception(message);
