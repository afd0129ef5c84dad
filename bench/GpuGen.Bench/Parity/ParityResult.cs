namespace GpuGen.Bench.Parity;

/// <summary>
/// The outcome of one <see cref="ParityCase"/>: the largest absolute difference over its outputs, and
/// the largest of each output's max |device − reference| / max |reference|; <see cref="Error"/> says why a
/// case failed without a number (a kernel threw, a length differs, a value is not finite).
/// </summary>
public sealed record ParityResult(string Kernel, string Shape, double MaxAbsDiff, double MaxRelDiff, double Tolerance, string? Error)
{
    public bool Passed => Error is null && MaxRelDiff <= Tolerance;
}
