namespace GpuGen.Backends;

/// <summary>
/// Coefficients of one reverse-diffusion step, shared by DDPM and DDIM so one kernel does both.
/// From the model's ε-prediction: x̂₀ = X0FromXt·xₜ − X0FromEps·ε, clipped to [−Clip, Clip] when
/// Clip &gt; 0; then x_prev = PrevFromX0·x̂₀ + PrevFromXt·xₜ + PrevFromEps·ε + Sigma·z.
/// DDPM (Ho et al. 2020, eq. 7): the posterior mean μ̃ₜ = c₀·x̂₀ + cₜ·xₜ, Sigma = σₜ.
/// DDIM (Song et al. 2021, eq. 12): PrevFromX0 = √ᾱ_prev, PrevFromEps = √(1−ᾱ_prev−σ²).
/// </summary>
public readonly record struct DiffusionStepArgs(
    float X0FromXt, float X0FromEps, float Clip,
    float PrevFromX0, float PrevFromXt, float PrevFromEps, float Sigma);
