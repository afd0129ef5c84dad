// Reductions: sums and the row softmax. Sums carry Kahan compensation per work-item and then add
// pairwise in local memory, so a float32 sum of 10⁵ terms stays within a few ulps of Σ|terms| (the
// CPU twin sums in SIMD lanes; both are held to the float64 reference).

#ifndef REDUCE_WG
#define REDUCE_WG 256
#endif

/// inner == 1: y[o] = alpha·Σ_m x[o, m] (+ y[o]); one work-group of REDUCE_WG per row o.
GG_KERNEL void reduce_sum_rows(int mid, GG_GLOBAL const float* x, GG_GLOBAL float* y, float alpha, int accumulate)
{
    GG_LOCAL float part[REDUCE_WG];
    int o = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0);
    GG_GLOBAL const float* row = x + (gg_i64)o * mid;
    float sum = 0.0f, c = 0.0f;
    for (int m = lid; m < mid; m += REDUCE_WG) gg_kahan_add(&sum, &c, row[m]);
    part[lid] = sum;
    gg_group_sum(part, lid, REDUCE_WG);
    if (lid == 0)
    {
        float s = alpha * part[0];
        y[o] = accumulate ? y[o] + s : s;
    }
}

/// y[o, i] = alpha·Σ_m x[o, m, i] (+ y[o, i]); one work-item per output, dimension 0 over i.
GG_KERNEL void reduce_sum_columns(int outer, int mid, int inner, GG_GLOBAL const float* x, GG_GLOBAL float* y, float alpha, int accumulate)
{
    int i = GG_GLOBAL_ID(0), o = GG_GLOBAL_ID(1);
    if (i >= inner || o >= outer) return;
    GG_GLOBAL const float* column = x + (gg_i64)o * mid * inner + i;
    float sum = 0.0f, c = 0.0f;
    for (int m = 0; m < mid; m++) gg_kahan_add(&sum, &c, column[(gg_i64)m * inner]);
    int k = o * inner + i;
    float s = alpha * sum;
    y[k] = accumulate ? y[k] + s : s;
}

/// softmax(x)ⱼ = e^{xⱼ−m}/Σₖe^{xₖ−m}, log-softmax(x)ⱼ = xⱼ − m − ln Σₖe^{xₖ−m}, m = maxₖ xₖ (every
/// exponent ≤ 0, so nothing overflows). One work-group per row; x may alias y (each element is
/// read for the last time by the work-item that writes it, after the row's max and sum are known).
GG_KERNEL void softmax_rows(int cols, GG_GLOBAL const float* x, GG_GLOBAL float* y, int log_softmax)
{
    GG_LOCAL float part[REDUCE_WG];
    int r = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0);
    GG_GLOBAL const float* xr = x + (gg_i64)r * cols;
    GG_GLOBAL float* yr = y + (gg_i64)r * cols;
    float m = gg_as_float(0xFF800000u); // −∞
    for (int c = lid; c < cols; c += REDUCE_WG) m = gg_max(m, xr[c]);
    part[lid] = m;
    gg_group_max(part, lid, REDUCE_WG);
    m = part[0];
    GG_BARRIER();
    float sum = 0.0f, comp = 0.0f;
    for (int c = lid; c < cols; c += REDUCE_WG) gg_kahan_add(&sum, &comp, gg_exp(xr[c] - m));
    part[lid] = sum;
    gg_group_sum(part, lid, REDUCE_WG);
    sum = part[0];
    if (log_softmax)
    {
        float shift = m + gg_log(sum);
        for (int c = lid; c < cols; c += REDUCE_WG) yr[c] = xr[c] - shift;
    }
    else
    {
        float inv = 1.0f / sum;
        for (int c = lid; c < cols; c += REDUCE_WG) yr[c] = gg_exp(xr[c] - m) * inv;
    }
}

/// Softmax: dx += y ⊙ (dy − ⟨dy, y⟩) (the Jacobian diag(y) − yyᵀ is symmetric).
/// Log-softmax: dx += dy − e^y·Σdy (e^y is the softmax). One work-group per row.
GG_KERNEL void softmax_backward_rows(int cols, GG_GLOBAL const float* y, GG_GLOBAL const float* dy, GG_GLOBAL float* dx, int log_softmax)
{
    GG_LOCAL float part[REDUCE_WG];
    int r = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0);
    gg_i64 base = (gg_i64)r * cols;
    float sum = 0.0f, comp = 0.0f;
    for (int c = lid; c < cols; c += REDUCE_WG) gg_kahan_add(&sum, &comp, log_softmax ? dy[base + c] : dy[base + c] * y[base + c]);
    part[lid] = sum;
    gg_group_sum(part, lid, REDUCE_WG);
    float s = part[0];
    for (int c = lid; c < cols; c += REDUCE_WG)
    {
        gg_i64 i = base + c;
        dx[i] += log_softmax ? gg_fma(-s, gg_exp(y[i]), dy[i]) : y[i] * (dy[i] - s);
    }
}
