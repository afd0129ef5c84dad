using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuGen.Backends.Cpu;

// Diffusion kernels: sinusoidal timestep embedding, forward noising q(xₜ|x₀), one reverse step.
public sealed unsafe partial class CpuKernels
{
    /// <summary>Largest embedding half-width whose frequency table fits the stack (32 KiB of doubles).</summary>
    private const int MaxEmbeddingHalf = 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void TimestepEmbedding(int batch, int dim, DeviceBuffer t, DeviceBuffer y)
    {
        NonNegative(batch, nameof(batch));
        if (dim < 2 || dim % 2 != 0 || dim / 2 > MaxEmbeddingHalf)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"the embedding width must be even, in [2, {2 * MaxEmbeddingHalf}]");
        if (batch == 0) return;
        int half = dim / 2;
        // fᵢ = exp(−ln(10000)·i/(half − 1)) in float64 (WORKLOADS.md); half = 1 has the single frequency 1.
        double* freq = stackalloc double[half];
        for (int i = 0; i < half; i++) freq[i] = half == 1 ? 1.0 : Math.Exp(-Math.Log(10000.0) * i / (half - 1));
        CpuParallel.For(batch, new EmbeddingJob(I(t, batch, nameof(t)), F(y, (long)batch * dim, nameof(y)), half, freq),
            Math.Max(1, CpuParallel.Heavy / dim));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void DiffusionQSample(int batch, int perExample, DeviceBuffer x0, DeviceBuffer eps, DeviceBuffer t,
        DeviceBuffer sqrtAlphaBar, DeviceBuffer sqrtOneMinusAlphaBar, DeviceBuffer xt, DeviceBuffer? v = null)
    {
        NonNegative(batch, nameof(batch));
        NonNegative(perExample, nameof(perExample));
        long n = (long)batch * perExample;
        int* ts = I(t, batch, nameof(t));
        long steps = Math.Min(sqrtAlphaBar.Length, sqrtOneMinusAlphaBar.Length);
        for (int b = 0; b < batch; b++)
            if (ts[b] < 0 || ts[b] >= steps)
                throw new ArgumentOutOfRangeException(nameof(t), ts[b], $"timestep of example {b} is outside the schedule tables [0, {steps})");
        if (n == 0) return;
        var job = new QSampleJob(F(x0, n, nameof(x0)), F(eps, n, nameof(eps)), ts, P(sqrtAlphaBar), P(sqrtOneMinusAlphaBar), F(xt, n, nameof(xt)),
            v is null ? null : F(v, n, nameof(v)), perExample);
        CpuParallel.For(batch, job, Math.Max(1, CpuParallel.Cheap / Math.Max(1, perExample)));
    }

    public void DiffusionStep(long n, DeviceBuffer xt, DeviceBuffer eps, DeviceBuffer? z, DeviceBuffer xPrev, DeviceBuffer? x0, in DiffusionStepArgs args,
        DeviceBuffer? uncond = null)
    {
        NonNegative(n, nameof(n));
        var job = new StepJob(F(xt, n, nameof(xt)), F(eps, n, nameof(eps)), uncond is null ? null : F(uncond, n, nameof(uncond)),
            z is null ? null : F(z, n, nameof(z)), F(xPrev, n, nameof(xPrev)), x0 is null ? null : F(x0, n, nameof(x0)), args);
        CpuParallel.For(n, job);
    }

    /// <summary>
    /// y[b] = [sin(t·f₀..), cos(t·f₀..)] computed in float64 and rounded once: at t ≈ 1000 a float32
    /// angle t·fᵢ is off by up to ~6·10⁻⁵ rad, which float64 avoids at the cost of 8-lane registers.
    /// </summary>
    private readonly struct EmbeddingJob(int* t, float* y, int half, double* freq) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long b = start; b < end; b++)
            {
                double tb = t[b];
                float* sin = y + b * 2 * half, cos = sin + half;
                int i = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    for (; i <= half - Vector512<double>.Count; i += Vector512<double>.Count)
                    {
                        var (s, c) = Vector512.SinCos(Vector512.Create(tb) * Vector512.Load(freq + i));
                        Vector512.Narrow(s, Vector512<double>.Zero).GetLower().Store(sin + i);
                        Vector512.Narrow(c, Vector512<double>.Zero).GetLower().Store(cos + i);
                    }
                }
                else if (Vector256.IsHardwareAccelerated)
                {
                    for (; i <= half - Vector256<double>.Count; i += Vector256<double>.Count)
                    {
                        var (s, c) = Vector256.SinCos(Vector256.Create(tb) * Vector256.Load(freq + i));
                        Vector256.Narrow(s, Vector256<double>.Zero).GetLower().Store(sin + i);
                        Vector256.Narrow(c, Vector256<double>.Zero).GetLower().Store(cos + i);
                    }
                }
                for (; i < half; i++)
                {
                    var (s, c) = Math.SinCos(tb * freq[i]);
                    sin[i] = (float)s;
                    cos[i] = (float)c;
                }
            }
        }
    }

    /// <summary>
    /// xₜ = √ᾱ[t_b]·x₀ + √(1−ᾱ[t_b])·ε (Ho et al. 2020, eq. 4), one example per index; with v,
    /// also v = √ᾱ·ε − √(1−ᾱ)·x₀.
    /// </summary>
    private readonly struct QSampleJob(float* x0, float* eps, int* t, float* sqrtAlphaBar, float* sqrtOneMinusAlphaBar, float* xt, float* v, int perExample) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long b = start; b < end; b++)
            {
                long o = b * perExample;
                float a = sqrtAlphaBar[t[b]], s = sqrtOneMinusAlphaBar[t[b]];
                long i = Simd.Wide ? LerpBody<V512>(0, perExample, x0 + o, eps + o, xt + o, a, s) : LerpBody<V256>(0, perExample, x0 + o, eps + o, xt + o, a, s);
                LerpBody<S1>(i, perExample, x0 + o, eps + o, xt + o, a, s);
                if (v == null) continue;
                i = Simd.Wide ? LerpBody<V512>(0, perExample, eps + o, x0 + o, v + o, a, -s) : LerpBody<V256>(0, perExample, eps + o, x0 + o, v + o, a, -s);
                LerpBody<S1>(i, perExample, eps + o, x0 + o, v + o, a, -s);
            }
        }
    }

    /// <summary>y = a·x + b·w (y may alias x or w).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long LerpBody<T>(long i, long n, float* x, float* w, float* y, float a, float b) where T : unmanaged, IVec<T>
    {
        T va = T.Splat(a), vb = T.Splat(b);
        for (; i <= n - T.Count; i += T.Count) T.MulAdd(va, T.Load(x + i), vb * T.Load(w + i)).Store(y + i);
        return i;
    }

    /// <summary>
    /// o = u + w·(o − u) when the unconditional output u is given; x̂₀ = X0FromXt·xₜ − X0FromEps·o,
    /// clipped to ±Clip when Clip &gt; 0; ε̂ = EpsFromXt·xₜ + EpsFromOut·o;
    /// x_prev = PrevFromX0·x̂₀ + PrevFromXt·xₜ + PrevFromEps·ε̂ (+ Sigma·z). See <see cref="DiffusionStepArgs"/>.
    /// </summary>
    private readonly struct StepJob(float* xt, float* eps, float* uncond, float* z, float* xPrev, float* x0, DiffusionStepArgs a) : IRangeKernel
    {
        public void Run(long start, long end)
        {
            long n = end - start;
            float* zs = z == null ? null : z + start, x0s = x0 == null ? null : x0 + start, us = uncond == null ? null : uncond + start;
            long i = Simd.Wide ? StepBody<V512>(0, n, xt + start, eps + start, us, zs, xPrev + start, x0s, a)
                : StepBody<V256>(0, n, xt + start, eps + start, us, zs, xPrev + start, x0s, a);
            StepBody<S1>(i, n, xt + start, eps + start, us, zs, xPrev + start, x0s, a);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long StepBody<T>(long i, long n, float* xt, float* eps, float* uncond, float* z, float* xPrev, float* x0, in DiffusionStepArgs a)
        where T : unmanaged, IVec<T>
    {
        T fromXt = T.Splat(a.X0FromXt), fromEps = T.Splat(a.X0FromEps), hi = T.Splat(a.Clip), lo = T.Splat(-a.Clip);
        T pX0 = T.Splat(a.PrevFromX0), pXt = T.Splat(a.PrevFromXt), pEps = T.Splat(a.PrevFromEps), sigma = T.Splat(a.Sigma);
        T eXt = T.Splat(a.EpsFromXt), eOut = T.Splat(a.EpsFromOut), w = T.Splat(a.Guidance);
        bool clip = a.Clip > 0f;
        for (; i <= n - T.Count; i += T.Count)
        {
            T x = T.Load(xt + i), o = T.Load(eps + i);
            if (uncond != null)
            {
                // w = 0 gives u exactly (0·(o − u) + u), so guidance 0 reproduces the unconditional model bit for bit.
                T u = T.Load(uncond + i);
                o = T.MulAdd(w, o - u, u);
            }
            T hat = fromXt * x - fromEps * o;
            if (clip) hat = T.Min(T.Max(hat, lo), hi);
            T e = T.MulAdd(eXt, x, eOut * o);
            T prev = T.MulAdd(pX0, hat, T.MulAdd(pXt, x, pEps * e));
            if (z != null) prev = T.MulAdd(sigma, T.Load(z + i), prev);
            if (x0 != null) hat.Store(x0 + i);
            prev.Store(xPrev + i);
        }
        return i;
    }
}
