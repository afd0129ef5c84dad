// Optimizer kernels. The host folds the hyperparameters into the constants the CPU twin uses:
// step = lr/(1 − β₁ᵗ), invSqrtBc2 = 1/√(1 − β₂ᵗ), coupled = wd (Adam) or 0, shrink = 1 − lr·wd (AdamW) or 1.

/// torch.optim.Adam(W) (Kingma & Ba 2015, Alg. 1, ε outside the square root).
GG_KERNEL void adam_step(int n, GG_GLOBAL float* p, GG_GLOBAL const float* g, GG_GLOBAL float* m, GG_GLOBAL float* v,
    float beta1, float beta2, float eps, float step, float invSqrtBc2, float coupled, float shrink)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    float pi = p[i];
    float gi = gg_fma(coupled, pi, g[i]);
    float mi = gg_fma(beta1, m[i], (1.0f - beta1) * gi);
    float vi = gg_fma(beta2, v[i], (1.0f - beta2) * gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] = shrink * pi - step * mi / gg_fma(gg_sqrt(vi), invSqrtBc2, eps);
}

/// ema = decay·ema + (1 − decay)·param.
GG_KERNEL void ema_update(int n, GG_GLOBAL float* ema, GG_GLOBAL const float* param, float decay)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    ema[i] = gg_fma(1.0f - decay, param[i], decay * ema[i]);
}
