// Layer kernels: 2×2 average pooling and nearest ×2 upsampling (+ backward), GroupNorm and
// BatchNorm (+ backward), embedding gather / scatter-add and Philox dropout. Twins of
// Backends/Cpu/CpuKernels.Layers.cs and CpuKernels.Norm.cs; IKernels.Layers.cs states the contract.
// Every backward accumulates (+=), and every work-item writes elements no other work-item writes,
// so nothing needs atomics and results do not depend on scheduling.
//
// The normalizations run one work-group of REDUCE_WG per block of statistics ((n, g) for GroupNorm,
// a channel for BatchNorm). Statistics are two-pass like the CPU twin: μ_f = Σx/m, then Σ(x − μ_f)
// and Σ(x − μ_f)², so σ² = Σ(x − μ_f)²/m − (Σ(x − μ_f)/m)² (the centring error of μ_f is removed, as
// the twin does in float64). Each work-item sums with Kahan compensation, the group adds pairwise.

#ifndef REDUCE_WG
#define REDUCE_WG 256
#endif

// ---- pooling and upsampling (planes of [height, width]) -------------------------------------------

/// y[p, i, j] = ¼·((x[2i, 2j] + x[2i, 2j+1]) + (x[2i+1, 2j] + x[2i+1, 2j+1])); dim 0 over j, dim 1 over p·ho + i.
GG_KERNEL void avgpool2x2(int rows, int height, int width, GG_GLOBAL const float* x, GG_GLOBAL float* y)
{
    int ho = height / 2, wo = width / 2;
    int j = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (j >= wo || r >= rows) return;
    int p = r / ho, i = r % ho;
    GG_GLOBAL const float* a = x + ((gg_i64)p * height + 2 * i) * width + 2 * j;
    GG_GLOBAL const float* b = a + width;
    y[(gg_i64)r * wo + j] = 0.25f * ((a[0] + a[1]) + (b[0] + b[1]));
}

/// dx[2i+a, 2j+b] += ¼·dy[i, j]: each output element owns its four inputs.
GG_KERNEL void avgpool2x2_backward(int rows, int height, int width, GG_GLOBAL const float* dy, GG_GLOBAL float* dx)
{
    int ho = height / 2, wo = width / 2;
    int j = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (j >= wo || r >= rows) return;
    int p = r / ho, i = r % ho;
    GG_GLOBAL float* a = dx + ((gg_i64)p * height + 2 * i) * width + 2 * j;
    GG_GLOBAL float* b = a + width;
    float q = 0.25f * dy[(gg_i64)r * wo + j];
    a[0] += q;
    a[1] += q;
    b[0] += q;
    b[1] += q;
}

/// y[2i+a, 2j+b] = x[i, j]; dim 0 over j, dim 1 over the input rows p·height + i.
GG_KERNEL void upsample_nearest2x(int rows, int width, GG_GLOBAL const float* x, GG_GLOBAL float* y)
{
    int j = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (j >= width || r >= rows) return;
    float v = x[(gg_i64)r * width + j];
    GG_GLOBAL float* a = y + (gg_i64)r * 4 * width + 2 * j;
    GG_GLOBAL float* b = a + 2 * width;
    a[0] = v;
    a[1] = v;
    b[0] = v;
    b[1] = v;
}

/// dx[i, j] += (dy[2i, 2j] + dy[2i, 2j+1]) + (dy[2i+1, 2j] + dy[2i+1, 2j+1]) (= without accumulate: dx is not read).
GG_KERNEL void upsample_nearest2x_backward(int rows, int width, GG_GLOBAL const float* dy, GG_GLOBAL float* dx, int accumulate)
{
    int j = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (j >= width || r >= rows) return;
    GG_GLOBAL const float* a = dy + (gg_i64)r * 4 * width + 2 * j;
    GG_GLOBAL const float* b = a + 2 * width;
    gg_i64 k = (gg_i64)r * width + j;
    float s = (a[0] + a[1]) + (b[0] + b[1]);
    dx[k] = accumulate ? dx[k] + s : s;
}

// ---- work-group sums ------------------------------------------------------------------------------

/// Two sums at once: p[0..REDUCE_WG) into p[0], q[…] into q[0].
GG_INLINE void norm_sum2(GG_LOCAL_PTR float* p, GG_LOCAL_PTR float* q, int lid)
{
    for (int s = REDUCE_WG / 2; s > 0; s >>= 1)
    {
        GG_BARRIER();
        if (lid < s)
        {
            p[lid] += p[lid + s];
            q[lid] += q[lid + s];
        }
    }
    GG_BARRIER();
}

/// Element e of a normalization block of `rows` rows of `spatial`, the rows `stride` apart.
GG_INLINE gg_i64 norm_at(int e, int spatial, gg_i64 stride) { return (e / spatial) * stride + e % spatial; }

/// μ_f and rstd of the m elements x[base + norm_at(e)] (two-pass, see the top); every work-item gets them.
GG_INLINE void norm_stats(GG_GLOBAL const float* x, int m, int spatial, gg_i64 stride, float eps,
    GG_LOCAL_PTR float* p, GG_LOCAL_PTR float* q, int lid, float* mean, float* rstd)
{
    float sum = 0.0f, c = 0.0f;
    for (int e = lid; e < m; e += REDUCE_WG) gg_kahan_add(&sum, &c, x[norm_at(e, spatial, stride)]);
    p[lid] = sum;
    gg_group_sum(p, lid, REDUCE_WG);
    float mu = m > 0 ? p[0] / (float)m : 0.0f;
    GG_BARRIER();
    float d = 0.0f, dc = 0.0f, sq = 0.0f, sqc = 0.0f;
    for (int e = lid; e < m; e += REDUCE_WG)
    {
        float v = x[norm_at(e, spatial, stride)] - mu;
        gg_kahan_add(&d, &dc, v);
        gg_kahan_add(&sq, &sqc, gg_mul_rn(v, v));
    }
    p[lid] = d;
    q[lid] = sq;
    norm_sum2(p, q, lid);
    float shift = m > 0 ? p[0] / (float)m : 0.0f;
    float variance = m > 0 ? gg_max(0.0f, q[0] / (float)m - shift * shift) : 0.0f;
    GG_BARRIER();
    *mean = mu;
    *rstd = 1.0f / gg_sqrt(variance + eps);
}

// ---- GroupNorm (x [batch, channels, spatial], block t = n·groups + g is contiguous) ------------------------

/// One work-group per block t: mean[t], rstd[t], then y = (x − μ)·(γ·rstd) + β over the block (y·σ(y) with silu).
GG_KERNEL void group_norm_forward(int groups, int cg, int spatial, float eps, GG_GLOBAL const float* x,
    GG_GLOBAL const float* gamma, GG_GLOBAL const float* beta, GG_GLOBAL float* y, GG_GLOBAL float* mean, GG_GLOBAL float* rstd,
    int silu)
{
    GG_LOCAL float p[REDUCE_WG];
    GG_LOCAL float q[REDUCE_WG];
    int t = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0), m = cg * spatial;
    gg_i64 base = (gg_i64)t * m;
    float mu, r;
    norm_stats(x + base, m, m, 0, eps, p, q, lid, &mu, &r);
    if (lid == 0)
    {
        mean[t] = mu;
        rstd[t] = r;
    }
    int c0 = (t % groups) * cg;
    for (int e = lid; e < m; e += REDUCE_WG)
    {
        int c = c0 + e / spatial;
        float s = gamma ? gamma[c] * r : r, b = beta ? beta[c] : 0.0f;
        float v = gg_fma(x[base + e] - mu, s, b);
        y[base + e] = silu ? v * gg_sigmoid(v) : v;
    }
}

/// dL/dy at element i (channel c, statistics μ, r): dy[i], or with silu (the forward was SiLU(y)) dy[i]·SiLU′(y),
/// y = (x − μ)·γ·r + β recomputed, SiLU′(y) = σ(y)(1 + y(1 − σ(y))).
GG_INLINE float gn_dy(int silu, GG_GLOBAL const float* dy, GG_GLOBAL const float* x, GG_GLOBAL const float* gamma,
    GG_GLOBAL const float* beta, gg_i64 i, int c, float mu, float r)
{
    float d = dy[i];
    if (!silu) return d;
    float y = gg_fma(x[i] - mu, gamma ? gamma[c] * r : r, beta ? beta[c] : 0.0f), s = gg_sigmoid(y);
    return d * (s * gg_fma(y, 1.0f - s, 1.0f));
}

/// dx per block t: A = Σ γ·dy, B = rstd·Σ γ·dy·(x − μ) over the block, m its size;
/// dx += (γ·rstd)·dy + u·(x − μ) + v with v = −rstd·A/m, u = −rstd²·B/m (= without accumulate: dx is not read).
/// dy is gn_dy's (through SiLU′ with silu).
GG_KERNEL void group_norm_backward_data(int groups, int cg, int spatial, GG_GLOBAL const float* x, GG_GLOBAL const float* gamma,
    GG_GLOBAL const float* mean, GG_GLOBAL const float* rstd, GG_GLOBAL const float* dy, GG_GLOBAL float* dx, int accumulate,
    int silu, GG_GLOBAL const float* beta)
{
    GG_LOCAL float p[REDUCE_WG];
    GG_LOCAL float q[REDUCE_WG];
    int t = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0), m = cg * spatial, c0 = (t % groups) * cg;
    gg_i64 base = (gg_i64)t * m;
    float mu = mean[t], r = rstd[t];
    float a = 0.0f, ac = 0.0f, b = 0.0f, bc = 0.0f;
    for (int e = lid; e < m; e += REDUCE_WG)
    {
        float g = gamma ? gamma[c0 + e / spatial] : 1.0f, gdy = gg_mul_rn(g, gn_dy(silu, dy, x, gamma, beta, base + e, c0 + e / spatial, mu, r));
        gg_kahan_add(&a, &ac, gdy);
        gg_kahan_add(&b, &bc, gg_mul_rn(gdy, x[base + e] - mu));
    }
    p[lid] = a;
    q[lid] = b;
    norm_sum2(p, q, lid);
    if (m == 0) return;
    float v = -r * p[0] / (float)m, u = -r * r * (r * q[0]) / (float)m;
    for (int e = lid; e < m; e += REDUCE_WG)
    {
        float g = gamma ? gamma[c0 + e / spatial] : 1.0f;
        gg_i64 i = base + e;
        dx[i] = gg_fma(g * r, gn_dy(silu, dy, x, gamma, beta, i, c0 + e / spatial, mu, r), gg_fma(u, x[i] - mu, accumulate ? v + dx[i] : v));
    }
}

/// One work-group per channel c: dγ[c] += Σ_{n,s} dy·(x − μ_t)·rstd_t, dβ[c] += Σ_{n,s} dy (t = n·groups + c/cg),
/// dy being gn_dy's (through SiLU′ with silu).
GG_KERNEL void group_norm_backward_affine(int batch, int channels, int spatial, int groups, GG_GLOBAL const float* x,
    GG_GLOBAL const float* mean, GG_GLOBAL const float* rstd, GG_GLOBAL const float* dy, GG_GLOBAL float* dGamma, GG_GLOBAL float* dBeta,
    int silu, GG_GLOBAL const float* gamma, GG_GLOBAL const float* beta)
{
    GG_LOCAL float p[REDUCE_WG];
    GG_LOCAL float q[REDUCE_WG];
    int c = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0), m = batch * spatial, g = c / (channels / groups);
    gg_i64 stride = (gg_i64)channels * spatial;
    float a = 0.0f, ac = 0.0f, b = 0.0f, bc = 0.0f;
    for (int e = lid; e < m; e += REDUCE_WG)
    {
        int n = e / spatial, t = n * groups + g;
        gg_i64 i = n * stride + (gg_i64)c * spatial + e % spatial;
        float d = gn_dy(silu, dy, x, gamma, beta, i, c, mean[t], rstd[t]);
        gg_kahan_add(&a, &ac, d);
        gg_kahan_add(&b, &bc, gg_mul_rn(gg_mul_rn(d, x[i] - mean[t]), rstd[t]));
    }
    p[lid] = a;
    q[lid] = b;
    norm_sum2(p, q, lid);
    if (lid != 0) return;
    if (dGamma) dGamma[c] += q[0];
    if (dBeta) dBeta[c] += p[0];
}

// ---- BatchNorm (channel c's rows sit channels·spatial apart) -------------------------------------------------

/// One work-group per channel. Training: batch statistics, and the running ones updated like PyTorch
/// (running = (1 − momentum)·running + momentum·stat, the variance unbiased ·n/(n − 1)); evaluation:
/// the running statistics. mean[c], rstd[c] saved; y = (x − μ)·(γ·rstd) + β.
GG_KERNEL void batch_norm_forward(int batch, int channels, int spatial, int training, float momentum, float eps,
    GG_GLOBAL const float* x, GG_GLOBAL const float* gamma, GG_GLOBAL const float* beta, GG_GLOBAL float* runningMean,
    GG_GLOBAL float* runningVar, GG_GLOBAL float* y, GG_GLOBAL float* mean, GG_GLOBAL float* rstd)
{
    GG_LOCAL float p[REDUCE_WG];
    GG_LOCAL float q[REDUCE_WG];
    GG_LOCAL float stat[2];
    int c = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0), m = batch * spatial;
    gg_i64 stride = (gg_i64)channels * spatial, base = (gg_i64)c * spatial;
    // No barrier sits inside a branch: on PoCL 3.1 a uniform `if (training)` around norm_stats' barriers
    // lost the work-items' private values (every item saw lid 0). Evaluation mode reduces nothing (m 0).
    float mu, r;
    norm_stats(x + base, training ? m : 0, spatial, stride, eps, p, q, lid, &mu, &r);
    if (lid == 0)
    {
        if (training)
        {
            // σ² back from rstd would lose bits: recompute it from the group's sums, still in p/q.
            float count = (float)m, shift = p[0] / count;
            float variance = gg_max(0.0f, q[0] / count - shift * shift);
            if (runningMean) runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * (mu + shift);
            if (runningVar) runningVar[c] = (1.0f - momentum) * runningVar[c] + momentum * (variance * count / (count - 1.0f));
        }
        else
        {
            mu = runningMean[c];
            r = 1.0f / gg_sqrt(runningVar[c] + eps);
        }
        stat[0] = mu;
        stat[1] = r;
    }
    GG_BARRIER();
    mu = stat[0];
    r = stat[1];
    if (lid == 0)
    {
        mean[c] = mu;
        rstd[c] = r;
    }
    float s = gamma ? gamma[c] * r : r, b = beta ? beta[c] : 0.0f;
    for (int e = lid; e < m; e += REDUCE_WG)
    {
        gg_i64 i = base + norm_at(e, spatial, stride);
        y[i] = gg_fma(x[i] - mu, s, b);
    }
}

/// One work-group per channel: a = Σ dy, b = rstd·Σ dy·(x − μ); dγ += b, dβ += a;
/// dx += (γ·rstd)·dy, and in training also + u·(x − μ) + v, v = −γ·rstd·a/n, u = −γ·rstd²·b/n.
GG_KERNEL void batch_norm_backward(int batch, int channels, int spatial, int training, GG_GLOBAL const float* x,
    GG_GLOBAL const float* gamma, GG_GLOBAL const float* mean, GG_GLOBAL const float* rstd, GG_GLOBAL const float* dy,
    GG_GLOBAL float* dx, GG_GLOBAL float* dGamma, GG_GLOBAL float* dBeta)
{
    GG_LOCAL float p[REDUCE_WG];
    GG_LOCAL float q[REDUCE_WG];
    int c = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0), m = batch * spatial;
    gg_i64 stride = (gg_i64)channels * spatial, base = (gg_i64)c * spatial;
    float mu = mean[c], r = rstd[c], g = gamma ? gamma[c] : 1.0f;
    float a = 0.0f, ac = 0.0f, b = 0.0f, bc = 0.0f;
    for (int e = lid; e < m; e += REDUCE_WG)
    {
        gg_i64 i = base + norm_at(e, spatial, stride);
        gg_kahan_add(&a, &ac, dy[i]);
        gg_kahan_add(&b, &bc, gg_mul_rn(dy[i], x[i] - mu));
    }
    p[lid] = a;
    q[lid] = b;
    norm_sum2(p, q, lid);
    float sa = p[0], sb = r * q[0];
    if (lid == 0)
    {
        if (dGamma) dGamma[c] += sb;
        if (dBeta) dBeta[c] += sa;
    }
    if (!dx || m == 0) return;
    float v = training ? -g * r * sa / (float)m : 0.0f;
    float u = training ? -g * r * r * sb / (float)m : 0.0f;
    for (int e = lid; e < m; e += REDUCE_WG)
    {
        gg_i64 i = base + norm_at(e, spatial, stride);
        dx[i] = gg_fma(g * r, dy[i], gg_fma(u, x[i] - mu, v + dx[i]));
    }
}

// ---- embedding ------------------------------------------------------------------------------------------------

/// y[r, d] = table[indices[r], d]; an index outside [0, vocab) gives NaN (the host does not read indices back).
GG_KERNEL void embedding_forward(int rows, int vocab, int dim, GG_GLOBAL const int* indices, GG_GLOBAL const float* table, GG_GLOBAL float* y)
{
    int d = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (d >= dim || r >= rows) return;
    int k = indices[r];
    y[(gg_i64)r * dim + d] = (uint)k < (uint)vocab ? table[(gg_i64)k * dim + d] : gg_as_float(0x7FC00000u);
}

/// dTable[indices[r], d] += dy[r, d]: one work-item per column d walks the rows in order, so repeated
/// indices add up in row order with no atomics (the CPU twin splits by columns too). Bad indices are skipped.
GG_KERNEL void embedding_backward(int rows, int vocab, int dim, GG_GLOBAL const int* indices, GG_GLOBAL const float* dy, GG_GLOBAL float* dTable)
{
    int d = GG_GLOBAL_ID(0);
    if (d >= dim) return;
    for (int r = 0; r < rows; r++)
    {
        int k = indices[r];
        if ((uint)k < (uint)vocab) dTable[(gg_i64)k * dim + d] += dy[(gg_i64)r * dim + d];
    }
}

// ---- dropout --------------------------------------------------------------------------------------------------

/// y = keep ? x·scale : 0 (accumulate: y += …), keep = u ≥ p for the Philox uniform of element offset + i;
/// one work-item per Philox block, addressed like random.cl. scale = 1/(1 − p) (0 for p = 1) comes from the host.
GG_KERNEL void dropout(int n, float p, float scale, gg_u64 seed, gg_u64 stream, gg_u64 offset,
    GG_GLOBAL const float* x, GG_GLOBAL float* y, int accumulate)
{
    gg_u64 block = offset / 4 + (gg_u64)GG_GLOBAL_ID(0);
    if (block * 4 >= offset + (gg_u64)n) return;
    uint w[4];
    gg_philox(seed, stream, block, w);
    for (int lane = 0; lane < 4; lane++)
    {
        gg_u64 e = block * 4 + lane;
        if (e < offset || e >= offset + (gg_u64)n) continue;
        gg_u64 i = e - offset;
        float v = gg_uniform(w[lane]) >= p ? gg_mul_rn(x[i], scale) : 0.0f;
        y[i] = accumulate ? gg_add_rn(y[i], v) : v;
    }
}
