using ILGPU;

namespace GpuGen.Kernels;

/// <summary>The geometry of a 2-D convolution (the order of Conv2dArgs on the host), with the output size.</summary>
public struct ConvParams
{
    public int Batch, Cin, Cout, Height, Width, Kh, Kw, Sh, Sw, Ph, Pw, Dh, Dw, Groups, OutH, OutW;
}

/// <summary>
/// Direct 2-D convolutions over NCHW (geometry as torch.nn.functional.conv2d) and the per-channel bias
/// kernels. One thread per output element for the forward and backward-data passes and one per weight
/// element for backward-weight (summing over images and pixels), so no thread writes where another
/// does: no atomics, and results do not depend on scheduling. The CPU twin lowers to im2col + GEMM
/// instead; the two agree within float32 rounding of the same sums.
/// </summary>
public static class ConvKernels
{
    /// <summary>
    /// y[n, o, i, j] = (bias[o]) (+ y) + Σ_{c,u,v} w[o, c, u, v]·x[n, g·Cin/G + c, i·sh − ph + u·dh, j·sw − pw + v·dw];
    /// taps outside the image read 0. hasBias = 0: no bias (the view is not read).
    /// </summary>
    public static void Forward(ConvParams g, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, int hasBias, ArrayView<float> y, int accumulate)
    {
        int pixels = g.OutH * g.OutW, n = g.Batch * g.Cout * pixels;
        int cinG = g.Cin / g.Groups, coutG = g.Cout / g.Groups;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int no = k / pixels, pix = k - no * pixels;
            int b = no / g.Cout, o = no - b * g.Cout, i = pix / g.OutW, j = pix - i * g.OutW;
            long xg = ((long)b * g.Cin + (long)(o / coutG) * cinG) * g.Height * g.Width;
            long wo = (long)o * cinG * g.Kh * g.Kw;
            float sum = 0f;
            for (int c = 0; c < cinG; c++)
                for (int u = 0; u < g.Kh; u++)
                {
                    int iy = i * g.Sh - g.Ph + u * g.Dh;
                    if (iy < 0 || iy >= g.Height) continue;
                    long row = xg + ((long)c * g.Height + iy) * g.Width;
                    long taps = wo + (c * g.Kh + u) * g.Kw;
                    for (int v = 0; v < g.Kw; v++)
                    {
                        int ix = j * g.Sw - g.Pw + v * g.Dw;
                        if (ix >= 0 && ix < g.Width) sum = MathF.FusedMultiplyAdd(w[taps + v], x[row + ix], sum);
                    }
                }
            // The CPU twin starts from y = bias (or y + bias) and adds the products: the same order here.
            if (hasBias != 0) sum += accumulate != 0 ? y[k] + bias[o] : bias[o];
            else if (accumulate != 0) sum += y[k];
            y[k] = sum;
        }
    }

    /// <summary>
    /// dx[n, c, iy, ix] += (= without accumulate) Σ w[o, c − g·Cin/G, u, v]·dy[n, o, i, j] over the (o, u, v)
    /// whose tap lands on (iy, ix): i = (iy + ph − u·dh)/sh when that divides exactly and 0 ≤ i &lt; outH (likewise j).
    /// </summary>
    public static void BackwardData(ConvParams g, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, int accumulate)
    {
        int pixels = g.Height * g.Width, n = g.Batch * g.Cin * pixels;
        int cinG = g.Cin / g.Groups, coutG = g.Cout / g.Groups;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int nc = k / pixels, pix = k - nc * pixels;
            int b = nc / g.Cin, c = nc - b * g.Cin, iy = pix / g.Width, ix = pix - iy * g.Width;
            int grp = c / cinG, cl = c - grp * cinG;
            float sum = 0f;
            for (int o = grp * coutG; o < (grp + 1) * coutG; o++)
            {
                long dyo = ((long)b * g.Cout + o) * g.OutH * g.OutW;
                long wo = ((long)o * cinG + cl) * g.Kh * g.Kw;
                for (int u = 0; u < g.Kh; u++)
                {
                    int ty = iy + g.Ph - u * g.Dh;
                    if (ty < 0 || ty % g.Sh != 0 || ty / g.Sh >= g.OutH) continue;
                    long row = dyo + (long)(ty / g.Sh) * g.OutW;
                    for (int v = 0; v < g.Kw; v++)
                    {
                        int tx = ix + g.Pw - v * g.Dw;
                        if (tx >= 0 && tx % g.Sw == 0 && tx / g.Sw < g.OutW) sum = MathF.FusedMultiplyAdd(w[wo + u * g.Kw + v], dy[row + tx / g.Sw], sum);
                    }
                }
            }
            dx[k] = accumulate != 0 ? dx[k] + sum : sum;
        }
    }

    /// <summary>dw[o, c, u, v] += Σ_{n,i,j} dy[n, o, i, j]·x[n, g·Cin/G + c, i·sh − ph + u·dh, j·sw − pw + v·dw]; one thread per weight.</summary>
    public static void BackwardWeight(ConvParams g, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dw)
    {
        int cinG = g.Cin / g.Groups, coutG = g.Cout / g.Groups;
        int patch = cinG * g.Kh * g.Kw, n = g.Cout * patch;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int o = k / patch, q = k - o * patch;
            int c = q / (g.Kh * g.Kw), u = q / g.Kw % g.Kh, v = q % g.Kw;
            int grp = o / coutG;
            float sum = 0f;
            for (int b = 0; b < g.Batch; b++)
            {
                long xc = ((long)b * g.Cin + (long)grp * cinG + c) * g.Height * g.Width;
                long dyo = ((long)b * g.Cout + o) * g.OutH * g.OutW;
                for (int i = 0; i < g.OutH; i++)
                {
                    int iy = i * g.Sh - g.Ph + u * g.Dh;
                    if (iy < 0 || iy >= g.Height) continue;
                    long row = xc + (long)iy * g.Width, grad = dyo + (long)i * g.OutW;
                    for (int j = 0; j < g.OutW; j++)
                    {
                        int ix = j * g.Sw - g.Pw + v * g.Dw;
                        if (ix >= 0 && ix < g.Width) sum = MathF.FusedMultiplyAdd(dy[grad + j], x[row + ix], sum);
                    }
                }
            }
            dw[k] += sum;
        }
    }

    /// <summary>y[n, c, s] += bias[c] over rows = batch·channels planes of spatial elements.</summary>
    public static void ChannelBiasAdd(int rows, int channels, int spatial, ArrayView<float> bias, ArrayView<float> y)
    {
        int n = rows * spatial;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride) y[k] += bias[k / spatial % channels];
    }

    /// <summary>dbias[c] += Σ_{n,s} dy[n, c, s]: one group per channel, Kahan per thread, pairwise across.</summary>
    public static void ChannelBiasBackward(int batch, int channels, int spatial, ArrayView<float> dy, ArrayView<float> dbias)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX, m = batch * spatial;
        for (int c = Grid.IdxX; c < channels; c += Grid.DimX)
        {
            var k = new Kahan();
            for (int e = lid; e < m; e += Group.DimX) k.Add(dy[((long)(e / spatial) * channels + c) * spatial + e % spatial]);
            float s = DeviceMath.GroupSum(part, k.Sum);
            if (lid == 0) dbias[c] += s;
        }
    }
}
