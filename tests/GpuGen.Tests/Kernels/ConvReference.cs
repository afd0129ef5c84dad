using GpuGen.Backends;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// Direct float64 convolutions written from their definitions (no im2col, no GEMM), each returning the
/// result, the number of terms and Σ|terms| per element (the scale of the float32 rounding a kernel may carry).
/// </summary>
internal static class ConvReference
{
    /// <summary>Calls f(n, o, i, j, c, u, v, xIndex, wIndex) for every in-image tap of the convolution.</summary>
    private static void Taps(in Conv2dArgs a, Action<long, long, long> f)
    {
        int ho = a.OutHeight, wo = a.OutWidth, cin = a.InPerGroup, coutG = a.OutPerGroup;
        for (int n = 0; n < a.Batch; n++)
            for (int o = 0; o < a.OutChannels; o++)
            {
                int g = o / coutG;
                for (int i = 0; i < ho; i++)
                    for (int j = 0; j < wo; j++)
                    {
                        long yi = (((long)n * a.OutChannels + o) * ho + i) * wo + j;
                        for (int c = 0; c < cin; c++)
                            for (int u = 0; u < a.KernelH; u++)
                            {
                                int iy = i * a.StrideH - a.PadH + u * a.DilationH;
                                if (iy < 0 || iy >= a.Height) continue;
                                for (int v = 0; v < a.KernelW; v++)
                                {
                                    int ix = j * a.StrideW - a.PadW + v * a.DilationW;
                                    if (ix < 0 || ix >= a.Width) continue;
                                    long xi = (((long)n * a.InChannels + g * cin + c) * a.Height + iy) * a.Width + ix;
                                    long wi = (((long)o * cin + c) * a.KernelH + u) * a.KernelW + v;
                                    f(yi, xi, wi);
                                }
                            }
                    }
            }
    }

    public static (double[] Y, double[] Scale) Forward(in Conv2dArgs a, double[] x, double[] w, double[]? b)
    {
        var y = new double[a.OutputLength];
        var scale = new double[y.Length];
        var count = new int[y.Length];
        Taps(a, (yi, xi, wi) =>
        {
            y[yi] += x[xi] * w[wi];
            scale[yi] += Math.Abs(x[xi] * w[wi]);
            count[yi]++;
        });
        int plane = a.OutHeight * a.OutWidth;
        for (long i = 0; i < y.Length; i++)
        {
            if (b is not null)
            {
                double bias = b[i / plane % a.OutChannels];
                y[i] += bias;
                scale[i] += Math.Abs(bias);
            }
            scale[i] *= count[i] + 4;
        }
        return (y, scale);
    }

    /// <summary>dx = Σ over taps of dy·w (the adjoint of the forward in x).</summary>
    public static (double[] Dx, double[] Scale) BackwardData(in Conv2dArgs a, double[] dy, double[] w)
    {
        var dx = new double[a.InputLength];
        var scale = new double[dx.Length];
        var count = new int[dx.Length];
        Taps(a, (yi, xi, wi) =>
        {
            dx[xi] += dy[yi] * w[wi];
            scale[xi] += Math.Abs(dy[yi] * w[wi]);
            count[xi]++;
        });
        for (int i = 0; i < dx.Length; i++) scale[i] *= count[i] + 4;
        return (dx, scale);
    }

    /// <summary>dw = Σ over taps of dy·x, db = Σ dy per channel.</summary>
    public static (double[] Dw, double[] ScaleW, double[] Db, double[] ScaleB) BackwardWeight(in Conv2dArgs a, double[] x, double[] dy)
    {
        var dw = new double[a.WeightLength];
        var scale = new double[dw.Length];
        var count = new int[dw.Length];
        Taps(a, (yi, xi, wi) =>
        {
            dw[wi] += dy[yi] * x[xi];
            scale[wi] += Math.Abs(dy[yi] * x[xi]);
            count[wi]++;
        });
        for (int i = 0; i < dw.Length; i++) scale[i] *= count[i] + 4;
        var db = new double[a.OutChannels];
        var scaleB = new double[db.Length];
        int plane = a.OutHeight * a.OutWidth;
        for (long i = 0; i < dy.Length; i++)
        {
            db[i / plane % a.OutChannels] += dy[i];
            scaleB[i / plane % a.OutChannels] += Math.Abs(dy[i]);
        }
        for (int c = 0; c < db.Length; c++) scaleB[c] *= (double)a.Batch * plane + 4;
        return (dw, scale, db, scaleB);
    }

    /// <summary>
    /// torch's conv_transpose2d from its own definition (a scatter): every input pixel (h, w) of channel c
    /// adds x·W[c, o', u, v] to output (h·s − p + u·d, w·s − p + v·d) of channel g·Cout/G + o', then + b.
    /// Weight [Cin, Cout/G, kh, kw].
    /// </summary>
    public static double[] Transposed(double[] x, double[] w, double[]? b, int n, int cin, int h, int wd, int coutG, int k,
        int stride, int pad, int outPad, int dil, int groups, out int ho, out int wo)
    {
        ho = (h - 1) * stride - 2 * pad + dil * (k - 1) + outPad + 1;
        wo = (wd - 1) * stride - 2 * pad + dil * (k - 1) + outPad + 1;
        int cout = coutG * groups, cinG = cin / groups;
        var y = new double[(long)n * cout * ho * wo];
        for (int b0 = 0; b0 < n; b0++)
            for (int c = 0; c < cin; c++)
            {
                int g = c / cinG;
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < wd; j++)
                    {
                        double xv = x[(((long)b0 * cin + c) * h + i) * wd + j];
                        for (int o = 0; o < coutG; o++)
                            for (int u = 0; u < k; u++)
                            {
                                int oy = i * stride - pad + u * dil;
                                if (oy < 0 || oy >= ho) continue;
                                for (int v = 0; v < k; v++)
                                {
                                    int ox = j * stride - pad + v * dil;
                                    if (ox < 0 || ox >= wo) continue;
                                    y[(((long)b0 * cout + g * coutG + o) * ho + oy) * wo + ox] += xv * w[((c * coutG + o) * k + u) * k + v];
                                }
                            }
                    }
            }
        if (b is not null)
            for (long i = 0; i < y.Length; i++) y[i] += b[i / ((long)ho * wo) % cout];
        return y;
    }
}
