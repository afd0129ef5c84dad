using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// The coefficients of one reverse diffusion step (see DiffusionStepArgs on the host): o = u + w·(o − u)
/// with guidance; x̂₀ = FromXt·xₜ − FromEps·o (clipped to ±Clip when Clip &gt; 0); ε̂ = EXt·xₜ + EOut·o;
/// x_prev = PX0·x̂₀ + PXt·xₜ + PEps·ε̂ (+ Sigma·z).
/// </summary>
public struct StepParams
{
    public float FromXt, FromEps, Clip, PX0, PXt, PEps, Sigma, EXt, EOut, Guidance;
    public int HasUncond, HasZ, HasX0;
}

/// <summary>Diffusion kernels: sinusoidal timestep embedding, forward noising q(xₜ|x₀), one reverse step.</summary>
public static class DiffusionKernels
{
    /// <summary>
    /// y[b] = [sin(t·f₀..), cos(t·f₀..)], fᵢ = exp(−ln(10000)·i/(halves − 1)), one thread per (b, i), in
    /// float64 (at t ≈ 1000 a float32 angle is off by up to 6·10⁻⁵ rad).
    /// </summary>
    public static void TimestepEmbedding(int batch, int halves, ArrayView<int> t, ArrayView<float> y)
    {
        int n = batch * halves;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int b = k / halves, i = k - b * halves;
            double f = halves == 1 ? 1.0 : Math.Exp(-9.210340371976184 * i / (halves - 1));
            double angle = t[b] * f;
            long row = (long)b * 2 * halves;
            y[row + i] = (float)Math.Sin(angle);
            y[row + halves + i] = (float)Math.Cos(angle);
        }
    }

    /// <summary>
    /// xₜ = √ᾱ[t_b]·x₀ + √(1−ᾱ[t_b])·ε (Ho et al. 2020, eq. 4); with hasV also the v-prediction target
    /// v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans &amp; Ho 2022). A timestep outside [0, steps) writes NaN (reading the
    /// tables there would be out of bounds, and a device cannot throw).
    /// </summary>
    public static void QSample(int batch, int perExample, ArrayView<float> x0, ArrayView<float> eps, ArrayView<int> t,
        ArrayView<float> sqrtAlphaBar, ArrayView<float> sqrtOneMinusAlphaBar, int steps, ArrayView<float> xt, ArrayView<float> v, int hasV)
    {
        int n = batch * perExample;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int tb = t[k / perExample];
            if (tb < 0 || tb >= steps)
            {
                xt[k] = DeviceMath.NaN;
                if (hasV != 0) v[k] = DeviceMath.NaN;
                continue;
            }
            float a = sqrtAlphaBar[tb], s = sqrtOneMinusAlphaBar[tb], x = x0[k], e = eps[k];
            xt[k] = MathF.FusedMultiplyAdd(a, x, s * e);
            if (hasV != 0) v[k] = MathF.FusedMultiplyAdd(a, e, -s * x);
        }
    }

    /// <summary>One reverse step (DDPM or DDIM; ε, x₀ or v prediction; classifier-free guidance) in one launch; see <see cref="StepParams"/>.</summary>
    public static void Step(int n, ArrayView<float> xt, ArrayView<float> eps, ArrayView<float> uncond, ArrayView<float> z,
        ArrayView<float> xPrev, ArrayView<float> x0, StepParams p)
    {
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
        {
            float x = xt[i], o = eps[i];
            if (p.HasUncond != 0)
            {
                float u = uncond[i];
                o = MathF.FusedMultiplyAdd(p.Guidance, o - u, u);
            }
            float hat = p.FromXt * x - p.FromEps * o;
            if (p.Clip > 0f) hat = MathF.Min(MathF.Max(hat, -p.Clip), p.Clip);
            float e = MathF.FusedMultiplyAdd(p.EXt, x, p.EOut * o);
            float prev = MathF.FusedMultiplyAdd(p.PX0, hat, MathF.FusedMultiplyAdd(p.PXt, x, p.PEps * e));
            if (p.HasZ != 0) prev = MathF.FusedMultiplyAdd(p.Sigma, z[i], prev);
            if (p.HasX0 != 0) x0[i] = hat;
            xPrev[i] = prev;
        }
    }
}
