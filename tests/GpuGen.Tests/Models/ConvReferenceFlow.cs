using GpuGen.Models.Flows;

namespace GpuGen.Tests.Models;

/// <summary>
/// A multi-scale conv RealNVP (<see cref="MultiScaleFlow"/>) written again in plain float64 from its
/// weights: couplings, ActNorm, squeeze and factor-out, the twin whose Jacobian the tests take.
/// </summary>
internal sealed class ConvReferenceFlow(FlowNetwork net)
{
    private readonly Dictionary<string, double[]> p =
        net.NamedParameters().ToDictionary(t => t.Name, t => t.Tensor.ToArray().Select(v => (double)v).ToArray());
    private readonly FlowConfig c = net.Config;

    /// <summary>z and log|det| (Σ s plus the ActNorm terms) for one example.</summary>
    public (double[] Z, double LogDet) Forward(double[] x)
    {
        double logdet = 0;
        var z = Scale("multiscale.", x, c.Channels, c.Height, c.Width, c.Scales, ref logdet);
        return (z, logdet);
    }

    private double[] Scale(string prefix, double[] x, int ch, int h, int w, int scales, ref double logdet)
    {
        int k = 0;
        for (int i = 0; i < (scales == 1 ? 4 : 3); i++) x = Step(prefix, k++, "checkerboard", i, x, ch, h, w, ref logdet);
        if (scales == 1) return x;
        x = Squeeze(x, ch, h, w);
        ch *= 4;
        h /= 2;
        w /= 2;
        for (int i = 0; i < 3; i++) x = Step(prefix, k++, "channel", i, x, ch, h, w, ref logdet);
        int half = x.Length / 2;
        var inner = Scale(prefix + "next.", x[..half], ch / 2, h, w, scales - 1, ref logdet);
        return [.. x[half..], .. inner];
    }

    /// <summary>A coupling (s = a·tanh(ŝ)·(1 − m), y = x·eˢ + t·(1 − m)) and its optional ActNorm.</summary>
    private double[] Step(string prefix, int k, string maskKind, int parity, double[] x, int ch, int h, int w, ref double logdet)
    {
        var m = CouplingMasks.Make(maskKind, parity, ch, h, w);
        string name = $"{prefix}coupling{k}.";
        var outp = Net(name + "net.net.", x.Select((v, i) => v * m[i]).ToArray(), ch, h, w);
        var a = p[name + "scale"];
        int d = x.Length;
        var y = new double[d];
        for (int i = 0; i < d; i++)
        {
            double s = a[i] * Math.Tanh(outp[i]) * (1 - m[i]);
            y[i] = x[i] * Math.Exp(s) + outp[d + i] * (1 - m[i]);
            logdet += s;
        }
        if (!c.ActNorm) return y;
        var logScale = p[$"{prefix}actnorm{k}.log_scale"];
        var bias = p[$"{prefix}actnorm{k}.bias"];
        for (int i = 0; i < d; i++)
        {
            y[i] = (y[i] + bias[i]) * Math.Exp(logScale[i]);
            logdet += logScale[i];
        }
        return y;
    }

    /// <summary>Conv(C→F), residual blocks, ReLU, Conv(F→2C): the Sequential's children 0, 1…B, B+1 (ReLU), B+2.</summary>
    private double[] Net(string prefix, double[] x, int ch, int h, int w)
    {
        var y = Conv(x, p[prefix + "0.weight"], p[prefix + "0.bias"], ch, h, w);
        int f = c.Hidden;
        for (int b = 1; b <= c.Blocks; b++)
        {
            var r = Conv(Relu(y), p[$"{prefix}{b}.conv1.weight"], p[$"{prefix}{b}.conv1.bias"], f, h, w);
            r = Conv(Relu(r), p[$"{prefix}{b}.conv2.weight"], p[$"{prefix}{b}.conv2.bias"], f, h, w);
            y = y.Zip(r, (u, v) => u + v).ToArray();
        }
        int last = c.Blocks + 2;
        return Conv(Relu(y), p[$"{prefix}{last}.weight"], p[$"{prefix}{last}.bias"], f, h, w);
    }

    private static double[] Relu(double[] x) => x.Select(v => Math.Max(0, v)).ToArray();

    /// <summary>3×3 convolution, padding 1, weight [O, I, 3, 3].</summary>
    private static double[] Conv(double[] x, double[] wt, double[] bias, int cin, int h, int w)
    {
        int cout = bias.Length;
        var y = new double[cout * h * w];
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                {
                    double sum = bias[o];
                    for (int ci = 0; ci < cin; ci++)
                        for (int di = -1; di <= 1; di++)
                            for (int dj = -1; dj <= 1; dj++)
                            {
                                int ii = i + di, jj = j + dj;
                                if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
                                sum += wt[((o * cin + ci) * 3 + di + 1) * 3 + dj + 1] * x[(ci * h + ii) * w + jj];
                            }
                    y[(o * h + i) * w + j] = sum;
                }
        return y;
    }

    /// <summary>y[4c + 2a + b, i, j] = x[c, 2i + a, 2j + b].</summary>
    private static double[] Squeeze(double[] x, int ch, int h, int w)
    {
        var y = new double[x.Length];
        for (int c = 0; c < ch; c++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    for (int i = 0; i < h / 2; i++)
                        for (int j = 0; j < w / 2; j++)
                            y[((c * 4 + 2 * a + b) * (h / 2) + i) * (w / 2) + j] = x[(c * h + 2 * i + a) * w + 2 * j + b];
        return y;
    }

    /// <summary>log|det a| by LU with partial pivoting.</summary>
    public static double LogAbsDet(double[,] a)
    {
        int n = a.GetLength(0);
        a = (double[,])a.Clone();
        double logdet = 0;
        for (int col = 0; col < n; col++)
        {
            int piv = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[piv, col])) piv = r;
            if (piv != col) for (int k = 0; k < n; k++) (a[col, k], a[piv, k]) = (a[piv, k], a[col, k]);
            logdet += Math.Log(Math.Abs(a[col, col]));
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r, col] / a[col, col];
                for (int k = col; k < n; k++) a[r, k] -= f * a[col, k];
            }
        }
        return logdet;
    }
}
