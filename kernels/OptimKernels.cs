using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// The constants of one Adam step, folded on the host in float64 exactly as the CPU twin folds them:
/// Step = lr/(1 − β₁ᵗ), InvSqrtBc2 = 1/√(1 − β₂ᵗ), Coupled = wd (Adam) or 0, Shrink = 1 − lr·wd (AdamW) or 1.
/// </summary>
public struct AdamParams
{
    public float Beta1, Beta2, Eps, Step, InvSqrtBc2, Coupled, Shrink;
}

/// <summary>Optimizer kernels: fused Adam/AdamW and the EMA of weights.</summary>
public static class OptimKernels
{
    /// <summary>torch.optim.Adam(W) (Kingma &amp; Ba 2015, Alg. 1, ε outside the square root).</summary>
    public static void Adam(int n, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, AdamParams a)
    {
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
        {
            float pi = p[i];
            float gi = MathF.FusedMultiplyAdd(a.Coupled, pi, g[i]);
            float mi = MathF.FusedMultiplyAdd(a.Beta1, m[i], (1f - a.Beta1) * gi);
            float vi = MathF.FusedMultiplyAdd(a.Beta2, v[i], (1f - a.Beta2) * gi * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] = a.Shrink * pi - a.Step * mi / MathF.FusedMultiplyAdd(MathF.Sqrt(vi), a.InvSqrtBc2, a.Eps);
        }
    }

    /// <summary>ema = decay·ema + (1 − decay)·param.</summary>
    public static void Ema(int n, ArrayView<float> ema, ArrayView<float> param, float decay)
    {
        for (int i = DeviceMath.Start; i < n; i += DeviceMath.Stride)
            ema[i] = MathF.FusedMultiplyAdd(1f - decay, param[i], decay * ema[i]);
    }
}
