// Diffusion kernels: sinusoidal timestep embedding, forward noising q(xₜ|x₀), one reverse step.

#if defined(GG_CUDA) || defined(cl_khr_fp64)
#ifndef GG_CUDA
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
#define GG_EMBED_FP64 1
#endif

/// y[b] = [sin(t·f₀..), cos(t·f₀..)], fᵢ = exp(−ln(10000)·i/(halves − 1)); one work-item per (b, i).
/// In float64 where the device has it (at t ≈ 1000 a float32 angle is off by up to 6·10⁻⁵ rad).
GG_KERNEL void timestep_embedding(int batch, int halves, GG_GLOBAL const int* t, GG_GLOBAL float* y)
{
    int i = GG_GLOBAL_ID(0), b = GG_GLOBAL_ID(1);
    if (i >= halves || b >= batch) return;
    GG_GLOBAL float* row = y + (gg_i64)b * 2 * halves;
#ifdef GG_EMBED_FP64
    double f = halves == 1 ? 1.0 : exp(-9.210340371976184 * (double)i / (double)(halves - 1));
    double angle = (double)t[b] * f;
    row[i] = (float)sin(angle);
    row[halves + i] = (float)cos(angle);
#else
    float f = halves == 1 ? 1.0f : gg_exp(-9.210340371976184f * (float)i / (float)(halves - 1));
    float angle = (float)t[b] * f;
    row[i] = gg_sin(angle);
    row[halves + i] = gg_cos(angle);
#endif
}

/// xₜ = √ᾱ[t_b]·x₀ + √(1−ᾱ[t_b])·ε (Ho et al. 2020, eq. 4). A timestep outside [0, steps) writes NaN
/// (the device cannot throw; reading the tables there would be out of bounds).
GG_KERNEL void q_sample(int batch, int perExample, GG_GLOBAL const float* x0, GG_GLOBAL const float* eps, GG_GLOBAL const int* t,
    GG_GLOBAL const float* sqrtAlphaBar, GG_GLOBAL const float* sqrtOneMinusAlphaBar, int steps, GG_GLOBAL float* xt)
{
    int i = GG_GLOBAL_ID(0), b = GG_GLOBAL_ID(1);
    if (i >= perExample || b >= batch) return;
    gg_i64 k = (gg_i64)b * perExample + i;
    int tb = t[b];
    if (tb < 0 || tb >= steps)
    {
        xt[k] = gg_as_float(0x7FC00000u);
        return;
    }
    xt[k] = gg_fma(sqrtAlphaBar[tb], x0[k], sqrtOneMinusAlphaBar[tb] * eps[k]);
}

/// x̂₀ = X0FromXt·xₜ − X0FromEps·ε (clipped to ±clip when clip > 0);
/// x_prev = PrevFromX0·x̂₀ + PrevFromXt·xₜ + PrevFromEps·ε (+ σ·z). z and x0 are used when hasZ / hasX0.
GG_KERNEL void diffusion_step(int n, GG_GLOBAL const float* xt, GG_GLOBAL const float* eps, GG_GLOBAL const float* z,
    GG_GLOBAL float* xPrev, GG_GLOBAL float* x0, int hasZ, int hasX0,
    float fromXt, float fromEps, float clip, float pX0, float pXt, float pEps, float sigma)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    float x = xt[i], e = eps[i];
    float hat = fromXt * x - fromEps * e;
    if (clip > 0.0f) hat = gg_min(gg_max(hat, -clip), clip);
    float prev = gg_fma(pX0, hat, gg_fma(pXt, x, pEps * e));
    if (hasZ) prev = gg_fma(sigma, z[i], prev);
    if (hasX0) x0[i] = hat;
    xPrev[i] = prev;
}
