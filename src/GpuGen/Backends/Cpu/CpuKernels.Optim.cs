using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

// Optimizer kernels: fused Adam/AdamW and the EMA of weights.
public sealed unsafe partial class CpuKernels
{
    public void AdamStep(long n, DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, in AdamArgs args)
    {
        NonNegative(n, nameof(n));
        if (!(args.BiasCorrection1 > 0f) || !(args.BiasCorrection2 > 0f))
            throw new ArgumentOutOfRangeException(nameof(args), args, "bias corrections 1 − βᵗ must be positive (step t ≥ 1)");
        CpuParallel.For(n, new AdamJob(F(param, n, nameof(param)), F(grad, n, nameof(grad)), F(m, n, nameof(m)), F(v, n, nameof(v)), args));
    }

    public void EmaUpdate(long n, DeviceBuffer ema, DeviceBuffer param, float decay)
    {
        NonNegative(n, nameof(n));
        CpuParallel.For(n, new EmaJob(F(ema, n, nameof(ema)), F(param, n, nameof(param)), decay));
    }

    /// <summary>
    /// torch.optim.Adam's update (Kingma &amp; Ba 2015, Alg. 1, with ε outside the square root):
    /// g ← g + wd·p (coupled) or p ← p − lr·wd·p (decoupled, AdamW);
    /// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
    /// p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
    /// </summary>
    private readonly struct AdamJob(float* p, float* g, float* m, float* v, AdamArgs a) : IRangeKernel
    {
        public void Run(long start, long end)
        {
            long n = end - start;
            long i = Simd.Wide ? AdamBody<V512>(0, n, p + start, g + start, m + start, v + start, a)
                : AdamBody<V256>(0, n, p + start, g + start, m + start, v + start, a);
            AdamBody<S1>(i, n, p + start, g + start, m + start, v + start, a);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long AdamBody<T>(long i, long n, float* p, float* g, float* m, float* v, in AdamArgs a) where T : unmanaged, IVec<T>
    {
        T b1 = T.Splat(a.Beta1), c1 = T.Splat(1f - a.Beta1), b2 = T.Splat(a.Beta2), c2 = T.Splat(1f - a.Beta2);
        T eps = T.Splat(a.Epsilon);
        T step = T.Splat((float)(a.LearningRate / (double)a.BiasCorrection1));
        T invSqrtBc2 = T.Splat((float)(1.0 / Math.Sqrt(a.BiasCorrection2)));
        T coupled = T.Splat(a.Decoupled ? 0f : a.WeightDecay);
        T shrink = T.Splat(a.Decoupled ? (float)(1.0 - (double)a.LearningRate * a.WeightDecay) : 1f);
        for (; i <= n - T.Count; i += T.Count)
        {
            T pi = T.Load(p + i);
            T gi = T.MulAdd(coupled, pi, T.Load(g + i));
            T mi = T.MulAdd(b1, T.Load(m + i), c1 * gi);
            T vi = T.MulAdd(b2, T.Load(v + i), c2 * gi * gi);
            mi.Store(m + i);
            vi.Store(v + i);
            (shrink * pi - step * mi / T.MulAdd(T.Sqrt(vi), invSqrtBc2, eps)).Store(p + i);
        }
        return i;
    }

    /// <summary>ema ← decay·ema + (1 − decay)·param.</summary>
    private readonly struct EmaJob(float* ema, float* param, float decay) : IRangeKernel
    {
        public void Run(long start, long end)
        {
            long n = end - start;
            long i = Simd.Wide ? AxpbyBody<V512>(0, n, param + start, ema + start, 1f - decay, decay)
                : AxpbyBody<V256>(0, n, param + start, ema + start, 1f - decay, decay);
            AxpbyBody<S1>(i, n, param + start, ema + start, 1f - decay, decay);
        }
    }
}
