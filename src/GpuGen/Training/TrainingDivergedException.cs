namespace GpuGen.Training;

/// <summary>
/// A step produced a non-finite number. Nothing is saved after it: the weights that produced it are
/// suspect, and the run folder keeps its last good checkpoint, which the message names.
/// </summary>
public sealed class TrainingDivergedException(long step, string series, float value, string? lastGood)
    : Exception($"training diverged at step {step}: {series} is {value}; "
        + (lastGood is null ? "no checkpoint of this run was written, so there is nothing to resume" : $"the last good checkpoint is {lastGood}")
        + " (a lower --lr usually helps)")
{
    public long Step { get; } = step;

    public string? LastGoodCheckpoint { get; } = lastGood;
}
