using GpuGen.Metrics;

namespace GpuGen.Models.Classifier;

/// <summary>
/// Feature statistics of n real training and n real test images and the Fréchet distance between
/// them: the "floor" that a generator's samples, compared against <see cref="Test"/>, cannot be
/// expected to beat at the same n.
/// </summary>
public sealed record FrechetReference(GaussianStats Train, GaussianStats Test, double Floor);
