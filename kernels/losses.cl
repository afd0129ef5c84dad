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
    for (int s = LOSS_WG / 2; s > 0; s >>= 1)
    {
        GG_BARRIER();
        if (lid < s) part[lid] += part[lid + s];
    }
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
