namespace GpuGen.Bench;

/// <summary>The timing of one workload: per-iteration seconds over R repetitions, and the load seen.</summary>
public sealed record Measurement(
    double MedianSeconds, double MinSeconds, double MaxSeconds,
    int Warmup, int Reps, int Inner, int Attempts,
    double ForeignBusyFraction, double OwnCpuPerWall);
