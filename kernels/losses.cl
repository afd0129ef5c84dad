// Loss kernels: a scalar into loss[0] from one work-group (Kahan per work-item, pairwise across the
// group), and element-wise backward passes that read the upstream gradient dLoss[0] on the device.

#ifndef LOSS_WG
#define LOSS_WG 256
#endif

/// loss[0] = scale·Σ (pred − target)²; launched as one group of LOSS_WG.
GG_KERNEL void mse_loss(int n, GG_GLOBAL const float* pred, GG_GLOBAL const float* target, GG_GLOBAL float* loss, float scale)
{
    GG_LOCAL float part[LOSS_WG];
    int lid = GG_LOCAL_ID(0);
    float sum = 0.0f, c = 0.0f;
    for (int i = lid; i < n; i += LOSS_WG)
    {
        float d = pred[i] - target[i];
        gg_kahan_add(&sum, &c, d * d);
    }
    part[lid] = sum;
    gg_group_sum(part, lid, LOSS_WG);
    if (lid == 0) loss[0] = scale * part[0];
}

/// dPred += 2·scale·dLoss[0]·(pred − target).
GG_KERNEL void mse_loss_backward(int n, GG_GLOBAL const float* pred, GG_GLOBAL const float* target, GG_GLOBAL const float* dLoss,
    GG_GLOBAL float* dPred, float scale)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    float c = 2.0f * scale * dLoss[0];
    dPred[i] = gg_fma(c, pred[i] - target[i], dPred[i]);
}

/// max(x, 0) − x·z + ln(1 + e^{−|x|}): binary cross-entropy of logit x against target z, stable for
/// any x (log1p keeps e^{−|x|} below float epsilon).
GG_INLINE float bce_term(float x, float z) { return gg_max(x, 0.0f) - x * z + gg_log1p(gg_exp(-gg_fabs(x))); }

/// loss[0] = scale·Σ bce(logits, targets); one group of LOSS_WG.
GG_KERNEL void bce_with_logits_loss(int n, GG_GLOBAL const float* logits, GG_GLOBAL const float* targets, GG_GLOBAL float* loss, float scale)
{
    GG_LOCAL float part[LOSS_WG];
    int lid = GG_LOCAL_ID(0);
    float sum = 0.0f, c = 0.0f;
    for (int i = lid; i < n; i += LOSS_WG) gg_kahan_add(&sum, &c, bce_term(logits[i], targets[i]));
    part[lid] = sum;
    gg_group_sum(part, lid, LOSS_WG);
    if (lid == 0) loss[0] = scale * part[0];
}

/// dLogits += scale·dLoss[0]·(σ(x) − z).
GG_KERNEL void bce_with_logits_loss_backward(int n, GG_GLOBAL const float* logits, GG_GLOBAL const float* targets, GG_GLOBAL const float* dLoss,
    GG_GLOBAL float* dLogits, float scale)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    float c = scale * dLoss[0];
    dLogits[i] = gg_fma(c, gg_sigmoid(logits[i]) - targets[i], dLogits[i]);
}

/// loss[0] = scale·Σ_r [m + ln Σⱼ e^{xⱼ−m} − x_label], m the row max (log-sum-exp, stable); one group
/// of LOSS_WG, each work-item taking whole rows. A label outside [0, cols) makes the loss NaN (a
/// device cannot throw; the CPU twin does).
GG_KERNEL void softmax_cross_entropy(int rows, int cols, GG_GLOBAL const float* logits, GG_GLOBAL const int* labels, GG_GLOBAL float* loss, float scale)
{
    GG_LOCAL float part[LOSS_WG];
    int lid = GG_LOCAL_ID(0);
    float sum = 0.0f, c = 0.0f;
    for (int r = lid; r < rows; r += LOSS_WG)
    {
        GG_GLOBAL const float* x = logits + (gg_i64)r * cols;
        float m = x[0];
        for (int j = 1; j < cols; j++) m = gg_max(m, x[j]);
        float e = 0.0f, ec = 0.0f;
        for (int j = 0; j < cols; j++) gg_kahan_add(&e, &ec, gg_exp(x[j] - m));
        int label = labels[r];
        float picked = (uint)label < (uint)cols ? x[label] : gg_as_float(0x7FC00000u);
        gg_kahan_add(&sum, &c, (m - picked) + gg_log(e));
    }
    part[lid] = sum;
    gg_group_sum(part, lid, LOSS_WG);
    if (lid == 0) loss[0] = scale * part[0];
}

/// dLogits[r] += scale·dLoss[0]·(softmax(x[r]) − onehot(label_r)); one group of LOSS_WG per row.
GG_KERNEL void softmax_cross_entropy_backward(int cols, GG_GLOBAL const float* logits, GG_GLOBAL const int* labels, GG_GLOBAL const float* dLoss,
    GG_GLOBAL float* dLogits, float scale)
{
    GG_LOCAL float part[LOSS_WG];
    int r = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0);
    GG_GLOBAL const float* x = logits + (gg_i64)r * cols;
    GG_GLOBAL float* dx = dLogits + (gg_i64)r * cols;
    float m = gg_as_float(0xFF800000u); // −∞
    for (int j = lid; j < cols; j += LOSS_WG) m = gg_max(m, x[j]);
    part[lid] = m;
    gg_group_max(part, lid, LOSS_WG);
    m = part[0];
    GG_BARRIER();
    float e = 0.0f, ec = 0.0f;
    for (int j = lid; j < cols; j += LOSS_WG) gg_kahan_add(&e, &ec, gg_exp(x[j] - m));
    part[lid] = e;
    gg_group_sum(part, lid, LOSS_WG);
    float c = scale * dLoss[0];
    float k = c / part[0];
    int label = labels[r];
    for (int j = lid; j < cols; j += LOSS_WG) dx[j] = gg_fma(k, gg_exp(x[j] - m), dx[j]) - (j == label ? c : 0.0f);
}

/// −½(1 + lv − μ² − e^lv) (Kingma & Welling 2014, App. B).
GG_INLINE float kl_term(float mu, float lv) { return -0.5f * (1.0f + lv - mu * mu - gg_exp(lv)); }

/// loss[0] = scale·Σ KL(N(μ, e^lv) ‖ N(0, 1)); one group of LOSS_WG.
GG_KERNEL void gaussian_kl(int n, GG_GLOBAL const float* mu, GG_GLOBAL const float* logvar, GG_GLOBAL float* loss, float scale)
{
    GG_LOCAL float part[LOSS_WG];
    int lid = GG_LOCAL_ID(0);
    float sum = 0.0f, c = 0.0f;
    for (int i = lid; i < n; i += LOSS_WG) gg_kahan_add(&sum, &c, kl_term(mu[i], logvar[i]));
    part[lid] = sum;
    gg_group_sum(part, lid, LOSS_WG);
    if (lid == 0) loss[0] = scale * part[0];
}

/// dMu += scale·dLoss[0]·μ, dLogvar += scale·dLoss[0]·½(e^lv − 1).
GG_KERNEL void gaussian_kl_backward(int n, GG_GLOBAL const float* mu, GG_GLOBAL const float* logvar, GG_GLOBAL const float* dLoss,
    GG_GLOBAL float* dMu, GG_GLOBAL float* dLogvar, float scale)
{
    int i = GG_GLOBAL_ID(0);
    if (i >= n) return;
    float c = scale * dLoss[0];
    dMu[i] = gg_fma(c, mu[i], dMu[i]);
    dLogvar[i] = gg_fma(c, 0.5f * (gg_exp(logvar[i]) - 1.0f), dLogvar[i]);
}
