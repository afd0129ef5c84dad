namespace GpuGen.Models.Gan;

/// <summary>
/// The numbers of one GAN step: D's loss (BCE on real + BCE on fake, before its update), G's non-saturating
/// loss (after D's update), the mean D(real) and D(fake) = σ(logit) of D's step, and the R1 penalty (0 when off).
/// </summary>
public readonly record struct GanStepResult(float LossD, float LossG, float DReal, float DFake, float R1);
