namespace GpuGen.Tests.Support;

/// <summary>A fact that needs a worker thread besides the caller: skipped, with the reason, on a one-core machine.</summary>
public sealed class MultiCoreFactAttribute : FactAttribute
{
    public MultiCoreFactAttribute() => Skip = MultiCore.Absence;
}

/// <summary>A theory that needs a worker thread besides the caller: skipped, with the reason, on a one-core machine.</summary>
public sealed class MultiCoreTheoryAttribute : TheoryAttribute
{
    public MultiCoreTheoryAttribute() => Skip = MultiCore.Absence;
}

internal static class MultiCore
{
    /// <summary>Why a test that needs two cores cannot run here, or null.</summary>
    public static string? Absence => Environment.ProcessorCount < 2
        ? $"one core here (Environment.ProcessorCount = {Environment.ProcessorCount}): the CPU backend has no worker thread to check"
        : null;
}
