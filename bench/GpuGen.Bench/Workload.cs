using GpuGen.Tensors;

namespace GpuGen.Bench;

/// <summary>
/// One benchmark workload of bench/README.md: a name, and a setup that prepares everything on a
/// device and returns the iteration to time.
/// </summary>
public sealed record Workload(string Name, string Description, Func<Device, WorkloadRun> Setup);

/// <summary>A prepared workload: the timed iteration, its W/R/I, and how to turn a time into the reported numbers.</summary>
public sealed record WorkloadRun(
    Action Iteration, int Warmup, int Reps, int Inner,
    Func<Measurement, IReadOnlyDictionary<string, double>> Metrics,
    IDisposable? Resources = null);

/// <summary>What `gpugen bench` reports for one workload.</summary>
public sealed record WorkloadResult(string Name, Measurement Measurement, IReadOnlyDictionary<string, double> Metrics);
