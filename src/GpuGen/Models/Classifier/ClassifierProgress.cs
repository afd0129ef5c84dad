namespace GpuGen.Models.Classifier;

/// <summary>
/// Where a classifier's training stands, reported after every step: the step reached, the total, the
/// loss and training-batch accuracy (exponential moving averages over ~50 steps) and the seconds spent.
/// </summary>
public sealed record ClassifierProgress(long Step, long TotalSteps, double Loss, double Accuracy, double Seconds);
