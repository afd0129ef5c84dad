namespace GpuGen.Backends;

/// <summary>
/// Coefficients of one reverse-diffusion step, shared by DDPM and DDIM and by the ε, x₀ and v
/// parameterisations, so one kernel does them all. With the model output o (for classifier-free
/// guidance o = o_u + w·(o_c − o_u) with w = Guidance, Ho &amp; Salimans 2022 eq. 6 written with w + 1 → w,
/// so w = 0 is the unconditional model exactly and w = 1 the conditional one):
///   x̂₀ = X0FromXt·xₜ − X0FromEps·o, clipped to [−Clip, Clip] when Clip &gt; 0;
///   ε̂  = EpsFromXt·xₜ + EpsFromOut·o;
///   x_prev = PrevFromX0·x̂₀ + PrevFromXt·xₜ + PrevFromEps·ε̂ + Sigma·z.
/// For ε-prediction X0FromXt = 1/√ᾱ, X0FromEps = √(1−ᾱ)/√ᾱ, EpsFromXt = 0, EpsFromOut = 1 (the defaults);
/// see <c>Models.Diffusion.PredictionType</c> for x₀ and v.
/// DDPM (Ho et al. 2020, eq. 7): the posterior mean μ̃ₜ = c₀·x̂₀ + cₜ·xₜ, Sigma = σₜ.
/// DDIM (Song et al. 2021, eq. 12): PrevFromX0 = √ᾱ_prev, PrevFromEps = √(1−ᾱ_prev−σ²).
/// </summary>
public readonly record struct DiffusionStepArgs(
    float X0FromXt, float X0FromEps, float Clip,
    float PrevFromX0, float PrevFromXt, float PrevFromEps, float Sigma,
    float EpsFromXt = 0f, float EpsFromOut = 1f, float Guidance = 1f);
