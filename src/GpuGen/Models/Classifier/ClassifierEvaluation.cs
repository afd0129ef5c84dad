namespace GpuGen.Models.Classifier;

/// <summary>
/// A classifier measured on a labelled dataset: overall accuracy, the mean cross-entropy, and per
/// class the number of examples and the accuracy (recall); <see cref="Confusion"/>[true, predicted] counts.
/// </summary>
public sealed record ClassifierEvaluation(int Count, double Accuracy, double Loss, int[] ClassCounts, double[] ClassAccuracy, int[,] Confusion);
