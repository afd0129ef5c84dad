namespace GpuGen.Models;

/// <summary>How far a long stage of an evaluation is.</summary>
/// <param name="Stage">what is being done: "bits/dim", "ELBO", "samples", "classifier"</param>
/// <param name="Done">units done so far</param>
/// <param name="Total">units in the stage</param>
/// <param name="Status">a short status, e.g. the running ELBO or the samples per second</param>
public readonly record struct EvalProgress(string Stage, long Done, long Total, string Status);
