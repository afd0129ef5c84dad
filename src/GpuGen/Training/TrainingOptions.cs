namespace GpuGen.Training;

/// <summary>How <see cref="TrainingDriver"/> runs: where, how long, and how often it saves and draws.</summary>
/// <param name="RunDir">the run folder: model.safetensors, step-K.safetensors, samples.png, loss.png, loss.npy</param>
/// <param name="Steps">the step count to reach (a resumed model counts the steps it has taken)</param>
/// <param name="MaxSeconds">stop after this much training time, then save as at the end</param>
/// <param name="CheckpointEvery">also write step-K.safetensors every K steps (0: only at the end)</param>
/// <param name="SampleEvery">also write samples-step-K.png every K steps (0: only at the end)</param>
/// <param name="PictureSeed">the seed of every sample picture, so pictures over a run show the same noise</param>
/// <param name="ResumedFrom">the checkpoint the model was loaded from, if any: the last good one until this run writes its own</param>
public sealed record TrainingOptions(
    string RunDir,
    long Steps,
    double MaxSeconds = double.PositiveInfinity,
    int CheckpointEvery = 0,
    int SampleEvery = 0,
    ulong PictureSeed = 0,
    string? ResumedFrom = null)
{
    public string FinalCheckpoint => Path.Combine(RunDir, RunFolder.FinalName);

    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"--steps must be a positive number, got {Steps}");
        if (!(MaxSeconds > 0)) throw new ArgumentException($"--max-seconds must be positive, got {MaxSeconds}");
        if (CheckpointEvery < 0) throw new ArgumentException($"--checkpoint-every must be 0 or positive, got {CheckpointEvery}");
        if (SampleEvery < 0) throw new ArgumentException($"--sample-every must be 0 or positive, got {SampleEvery}");
    }
}
