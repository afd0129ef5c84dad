// Direct 2-D convolutions over NCHW (geometry as Conv2dArgs.cs and torch.nn.functional.conv2d), plus
// the per-channel bias kernels. One work-item per output element for the forward and backward-data
// passes and one per weight element for backward-weight (summing over images and pixels), so no
// work-item writes where another does: no atomics, and results do not depend on scheduling. A plain
// formulation for correctness first (PoCL); the CPU twin lowers to im2col + GEMM instead, and the two
// agree within float32 rounding of the same sums.
//
// CONV_GEOMETRY is the geometry in the order of Conv2dArgs, with the output size appended.

#ifndef REDUCE_WG
#define REDUCE_WG 256
#endif

#define CONV_GEOMETRY int batch, int cin, int cout, int height, int width, int kh, int kw, int sh, int sw, \
    int ph, int pw, int dh, int dw, int groups, int outH, int outW

/// y[n, o, i, j] = (bias[o]) (+ y[n, o, i, j]) + Σ_{c,u,v} w[o, c, u, v]·x[n, g·Cin/G + c, i·sh − ph + u·dh, j·sw − pw + v·dw];
/// dim 0 over the output pixel i·outW + j, dim 1 over n·cout + o. Taps outside the image read 0.
GG_KERNEL void conv2d_forward(CONV_GEOMETRY, GG_GLOBAL const float* x, GG_GLOBAL const float* w, GG_GLOBAL const float* bias,
    GG_GLOBAL float* y, int accumulate)
{
    int pix = GG_GLOBAL_ID(0), no = GG_GLOBAL_ID(1);
    if (pix >= outH * outW || no >= batch * cout) return;
    int n = no / cout, o = no % cout, i = pix / outW, j = pix % outW;
    int cinG = cin / groups, g = o / (cout / groups);
    GG_GLOBAL const float* xg = x + ((gg_i64)n * cin + (gg_i64)g * cinG) * height * width;
    GG_GLOBAL const float* wo = w + (gg_i64)o * cinG * kh * kw;
    float sum = 0.0f;
    for (int c = 0; c < cinG; c++)
        for (int u = 0; u < kh; u++)
        {
            int iy = i * sh - ph + u * dh;
            if (iy < 0 || iy >= height) continue;
            GG_GLOBAL const float* row = xg + ((gg_i64)c * height + iy) * width;
            GG_GLOBAL const float* taps = wo + (c * kh + u) * kw;
            for (int v = 0; v < kw; v++)
            {
                int ix = j * sw - pw + v * dw;
                if (ix >= 0 && ix < width) sum = gg_fma(taps[v], row[ix], sum);
            }
        }
    gg_i64 k = (gg_i64)no * outH * outW + pix;
    // The CPU twin starts from y = bias (or y + bias) and adds the products: the same order here.
    if (bias) sum += accumulate ? y[k] + bias[o] : bias[o];
    else if (accumulate) sum += y[k];
    y[k] = sum;
}

/// dx[n, c, iy, ix] += (= without accumulate) Σ w[o, c − g·Cin/G, u, v]·dy[n, o, i, j] over the (o, u, v) whose tap lands on (iy, ix):
/// i = (iy + ph − u·dh)/sh when that divides exactly and 0 ≤ i < outH (likewise j). Dim 0 over iy·W + ix, dim 1 over n·cin + c.
GG_KERNEL void conv2d_backward_data(CONV_GEOMETRY, GG_GLOBAL const float* dy, GG_GLOBAL const float* w, GG_GLOBAL float* dx,
    int accumulate)
{
    int pix = GG_GLOBAL_ID(0), nc = GG_GLOBAL_ID(1);
    if (pix >= height * width || nc >= batch * cin) return;
    int n = nc / cin, c = nc % cin, iy = pix / width, ix = pix % width;
    int cinG = cin / groups, coutG = cout / groups, g = c / cinG, cl = c % cinG;
    float sum = 0.0f;
    for (int o = g * coutG; o < (g + 1) * coutG; o++)
    {
        GG_GLOBAL const float* dyo = dy + ((gg_i64)n * cout + o) * outH * outW;
        GG_GLOBAL const float* wo = w + ((gg_i64)o * cinG + cl) * kh * kw;
        for (int u = 0; u < kh; u++)
        {
            int ty = iy + ph - u * dh;
            if (ty < 0 || ty % sh != 0 || ty / sh >= outH) continue;
            GG_GLOBAL const float* row = dyo + (gg_i64)(ty / sh) * outW;
            for (int v = 0; v < kw; v++)
            {
                int tx = ix + pw - v * dw;
                if (tx >= 0 && tx % sw == 0 && tx / sw < outW) sum = gg_fma(wo[u * kw + v], row[tx / sw], sum);
            }
        }
    }
    gg_i64 k = (gg_i64)nc * height * width + pix;
    dx[k] = accumulate ? dx[k] + sum : sum;
}

/// dw[o, c, u, v] += Σ_{n,i,j} dy[n, o, i, j]·x[n, g·Cin/G + c, i·sh − ph + u·dh, j·sw − pw + v·dw];
/// dim 0 over the patch index (c·kh + u)·kw + v, dim 1 over o.
GG_KERNEL void conv2d_backward_weight(CONV_GEOMETRY, GG_GLOBAL const float* x, GG_GLOBAL const float* dy, GG_GLOBAL float* dwt)
{
    int patch = (cin / groups) * kh * kw;
    int q = GG_GLOBAL_ID(0), o = GG_GLOBAL_ID(1);
    if (q >= patch || o >= cout) return;
    int c = q / (kh * kw), u = q / kw % kh, v = q % kw;
    int g = o / (cout / groups);
    float sum = 0.0f;
    for (int n = 0; n < batch; n++)
    {
        GG_GLOBAL const float* xc = x + ((gg_i64)n * cin + (gg_i64)g * (cin / groups) + c) * height * width;
        GG_GLOBAL const float* dyo = dy + ((gg_i64)n * cout + o) * outH * outW;
        for (int i = 0; i < outH; i++)
        {
            int iy = i * sh - ph + u * dh;
            if (iy < 0 || iy >= height) continue;
            GG_GLOBAL const float* row = xc + (gg_i64)iy * width;
            GG_GLOBAL const float* grad = dyo + (gg_i64)i * outW;
            for (int j = 0; j < outW; j++)
            {
                int ix = j * sw - pw + v * dw;
                if (ix >= 0 && ix < width) sum = gg_fma(grad[j], row[ix], sum);
            }
        }
    }
    dwt[(gg_i64)o * patch + q] += sum;
}

/// y[n, c, s] += bias[c]; dim 0 over s, dim 1 over n·channels + c.
GG_KERNEL void channel_bias_add(int rows, int channels, int spatial, GG_GLOBAL const float* bias, GG_GLOBAL float* y)
{
    int s = GG_GLOBAL_ID(0), r = GG_GLOBAL_ID(1);
    if (s >= spatial || r >= rows) return;
    y[(gg_i64)r * spatial + s] += bias[r % channels];
}

/// dbias[c] += Σ_{n,s} dy[n, c, s]: one work-group of REDUCE_WG per channel, Kahan per work-item, pairwise across.
GG_KERNEL void channel_bias_backward(int batch, int channels, int spatial, GG_GLOBAL const float* dy, GG_GLOBAL float* dbias)
{
    GG_LOCAL float part[REDUCE_WG];
    int c = GG_GROUP_ID(0), lid = GG_LOCAL_ID(0), m = batch * spatial;
    float sum = 0.0f, comp = 0.0f;
    for (int e = lid; e < m; e += REDUCE_WG)
        gg_kahan_add(&sum, &comp, dy[((gg_i64)(e / spatial) * channels + c) * spatial + e % spatial]);
    part[lid] = sum;
    for (int s = REDUCE_WG / 2; s > 0; s >>= 1)
    {
        GG_BARRIER();
        if (lid < s) part[lid] += part[lid + s];
    }
    if (lid == 0) dbias[c] += part[0];
}
