// Coupling transforms of normalizing flows (NICE, RealNVP) and the dequantizing logit transform; see
// src/GpuGen/Backends/IKernels.Coupling.cs for the math. Rows are examples, dim their flattened
// features, mask m[dim] (1 = passes through). Kernels with a per-row log-determinant run one
// work-group of COUPLING_WG per row and sum it in local memory; the others are element-wise.

// The host compiles every program with LOSS_WG, its power-of-two reduction group size.
#ifndef COUPLING_WG
#ifdef LOSS_WG
#define COUPLING_WG LOSS_WG
#else
#define COUPLING_WG 256
#endif
#endif

/// tanh through σ, the same formula as the CPU twin: tanh(a) = 2σ(2a) − 1.
GG_INLINE float coupling_tanh(float a) { return 2.0f * gg_sigmoid(a + a) - 1.0f; }

/// Forward (inverse = 0): y = x·m + (1−m)·(x·eˢ + t), logdet[r] (+)= Σ s. Inverse (inverse = 1):
/// the "x" argument holds y and the output x = y·m + (1−m)·(y − t)·e⁻ˢ, logdet[r] (+)= −Σ s.
GG_KERNEL void affine_coupling(int dim, GG_GLOBAL const float* x, GG_GLOBAL const float* mask, GG_GLOBAL const float* sRaw,
    GG_GLOBAL const float* t, GG_GLOBAL float* y, GG_GLOBAL float* logdet, int accumulate, int inverse)
{
    GG_LOCAL float part[COUPLING_WG];
    int r = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0);
    gg_i64 o = (gg_i64)r * dim;
    float sum = 0.0f;
    for (int i = lid; i < dim; i += COUPLING_WG)
    {
        float keep = mask[i], free = 1.0f - keep;
        float s = coupling_tanh(sRaw[o + i]) * free;
        float xv = x[o + i], tv = t[o + i];
        y[o + i] = inverse ? xv * keep + free * (xv - tv) * gg_exp(-s) : xv * keep + free * gg_fma(xv, gg_exp(s), tv);
        sum += s;
    }
    part[lid] = sum;
    gg_group_sum(part, lid, COUPLING_WG);
    if (lid == 0)
    {
        float ld = inverse ? -part[0] : part[0];
        logdet[r] = accumulate ? logdet[r] + ld : ld;
    }
}

/// dx += dy·(m + (1−m)eˢ); dsRaw += (1−m)(dy·x·eˢ + dLogdet[r])(1 − tanh²); dt += (1−m)·dy.
/// One work-item per (i, r); the has* flags say which gradients are wanted.
GG_KERNEL void affine_coupling_backward(int rows, int dim, GG_GLOBAL const float* x, GG_GLOBAL const float* mask,
    GG_GLOBAL const float* sRaw, GG_GLOBAL const float* dy, GG_GLOBAL const float* dLogdet,
    GG_GLOBAL float* dx, GG_GLOBAL float* dsRaw, GG_GLOBAL float* dt, int hasDLogdet, int hasDx, int hasDs, int hasDt, int accumulate)
{
    int i = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (i >= dim || r >= rows) return;
    gg_i64 k = (gg_i64)r * dim + i;
    float keep = mask[i], free = 1.0f - keep;
    float th = coupling_tanh(sRaw[k]);
    float es = gg_exp(th * free);
    float g = dy[k];
    // Without accumulate the outputs are written, never read (a fresh gradient holds garbage).
    if (hasDx) dx[k] = gg_fma(g, keep + free * es, accumulate ? dx[k] : 0.0f);
    if (hasDs)
    {
        float dl = hasDLogdet ? dLogdet[r] : 0.0f;
        float ds = free * gg_fma(g * x[k], es, dl) * (1.0f - th * th);
        dsRaw[k] = accumulate ? dsRaw[k] + ds : ds;
    }
    if (hasDt) dt[k] = gg_fma(free, g, accumulate ? dt[k] : 0.0f);
}

/// y = x + sign·(1 − m)·t.
GG_KERNEL void additive_coupling(int rows, int dim, GG_GLOBAL const float* x, GG_GLOBAL const float* mask, GG_GLOBAL const float* t,
    GG_GLOBAL float* y, float sign)
{
    int i = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (i >= dim || r >= rows) return;
    gg_i64 k = (gg_i64)r * dim + i;
    y[k] = gg_fma(sign * (1.0f - mask[i]), t[k], x[k]);
}

/// dx += dy; dt += sign·(1 − m)·dy.
GG_KERNEL void additive_coupling_backward(int rows, int dim, GG_GLOBAL const float* mask, GG_GLOBAL const float* dy, float sign,
    GG_GLOBAL float* dx, GG_GLOBAL float* dt, int hasDx, int hasDt)
{
    int i = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (i >= dim || r >= rows) return;
    gg_i64 k = (gg_i64)r * dim + i;
    float g = dy[k];
    if (hasDx) dx[k] += g;
    if (hasDt) dt[k] = gg_fma(sign * (1.0f - mask[i]), g, dt[k]);
}

/// x = (v + u)/levels, p = α + (1 − 2α)x, y = ln p − ln(1 − p);
/// logdet[r] = offset − Σ (ln p + ln(1 − p)), offset = dim·(ln(1 − 2α) − ln levels) from the host.
GG_KERNEL void dequantize_logit(int dim, GG_GLOBAL const float* v, GG_GLOBAL const float* u, float alpha, float levels,
    float offset, GG_GLOBAL float* y, GG_GLOBAL float* logdet)
{
    GG_LOCAL float part[COUPLING_WG];
    int r = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0);
    gg_i64 o = (gg_i64)r * dim;
    float sum = 0.0f;
    for (int i = lid; i < dim; i += COUPLING_WG)
    {
        float xv = (v[o + i] + u[o + i]) * (1.0f / levels);
        float p = gg_fma(1.0f - 2.0f * alpha, xv, alpha);
        float lp = gg_log(p), lq = gg_log(1.0f - p);
        y[o + i] = lp - lq;
        sum += lp + lq;
    }
    part[lid] = sum;
    gg_group_sum(part, lid, COUPLING_WG);
    if (lid == 0) logdet[r] = offset - part[0];
}
