using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// Stride-1 convolutions without a column matrix (a "shifted image" implicit GEMM). Each image is
/// padded once into xp[c][Hp·Wp] (Hp = H + 2·ph, Wp = W + 2·pw), and the output is computed on the
/// padded width: position p = i·Wp + j for j &lt; Wp, of which j &lt; Wo are real. Then tap (c, u, v)
/// of every position is one and the same shift of xp, xp[c·S + p + u·dh·Wp + v·dw], so 48
/// consecutive outputs read 48 consecutive inputs per tap, and the micro-kernel loads them straight
/// from xp through a table of one offset per tap: nothing is packed but the weights, and the padded
/// image (≤ ~350 KB here) stays in L2 while every output channel passes over it. The Wp − Wo extra
/// columns per row (2 of 30 for 28×28, 3×3, pad 1) are computed and dropped.
/// <list type="bullet">
/// <item>Forward: y = W · shifted(xp), 8 output channels × 48 positions per register tile.</item>
/// <item>Backward-data: the adjoint of a stride-1 convolution is the stride-1 convolution of dy with
///       the kernel flipped and transposed, padding d·(k − 1) − p: the same code.</item>
/// <item>Backward-weight: per tap, dW[:, :, u, v] += dy_ext · shifted(xpᵀ), a GEMM over positions with
///       the image channels-last and dy on the padded width (zero in the extra columns), so the packed
///       GEMM reads both operands in place.</item>
/// </list>
/// Images are split between the cores (whole images per chunk); weight-gradient partial sums are kept
/// per fixed part of the batch and added in a fixed order, so results do not depend on scheduling.
/// </summary>
internal static unsafe class ConvDirect
{
    private const int Mr = 8, Nr = 48;

    /// <summary>Whether the direct path takes this convolution (AVX-512, stride 1, one group, not a plain 1×1).</summary>
    private static bool Applies(in Conv2dArgs a) =>
        Vector512.IsHardwareAccelerated && CpuGemm.UseVector512 && Enabled &&
        a.StrideH == 1 && a.StrideW == 1 && a.Groups == 1 && !a.IsPointwise;

    /// <summary>Settable by tests and benchmarks, to compare with the im2col path.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>The padded grid of one image: sizes, and the per-channel stride of the padded copy.</summary>
    private readonly struct Grid
    {
        public readonly int C, H, W, PadH, PadW, Kh, Kw, Dh, Dw, Hp, Wp, Ho, Wo;
        /// <summary>Output positions on the padded width (Ho·Wp), and that rounded up to whole 48-wide blocks.</summary>
        public readonly int Plane, Blocks, Ld;
        /// <summary>Floats per padded channel: the image and zero slack that the last block's extra columns read.</summary>
        public readonly long Stride;

        public Grid(int channels, int h, int w, int kh, int kw, int padH, int padW, int dh, int dw)
        {
            C = channels; H = h; W = w; Kh = kh; Kw = kw; PadH = padH; PadW = padW; Dh = dh; Dw = dw;
            Hp = h + 2 * padH;
            Wp = w + 2 * padW;
            Ho = Hp - dh * (kh - 1);
            Wo = Wp - dw * (kw - 1);
            Plane = Ho * Wp;
            Blocks = (Plane + Nr - 1) / Nr;
            Ld = Blocks * Nr;
            long reach = TapOffset(kh - 1, kw - 1) + Ld;
            Stride = (Math.Max((long)Hp * Wp, reach) + 15) & ~15L;
        }

        public int TapOffset(int u, int v) => u * Dh * Wp + v * Dw;

        /// <summary>Offsets of all taps in the weight's (c, u, v) order fit an int.</summary>
        public bool Fits => C * Stride < int.MaxValue;
    }

    // ---- forward and backward-data -------------------------------------------------------------

    /// <summary>y (+)= conv(x, w) + bias on the direct path; false when it does not apply (the caller falls back).</summary>
    public static bool Forward(in Conv2dArgs a, float* x, float* w, float* bias, float* y, bool accumulate)
    {
        if (!Applies(a) || a.OutChannels % Mr != 0) return false;
        var g = new Grid(a.InChannels, a.Height, a.Width, a.KernelH, a.KernelW, a.PadH, a.PadW, a.DilationH, a.DilationW);
        if (!g.Fits) return false;
        int k = a.PatchSize, cout = a.OutChannels;
        float* pack = ConvScratch.Get((long)cout * k + k, slot: 1);
        int* off = (int*)(pack + (long)cout * k);
        // pack[s][t][r] = w[s·8 + r, t]: each 8-channel sliver of W, tap-major.
        for (int s = 0; s < cout / Mr; s++)
            for (int r = 0; r < Mr; r++)
            {
                float* src = w + (long)(s * Mr + r) * k;
                float* dst = pack + (long)s * k * Mr + r;
                for (int t = 0; t < k; t++) dst[t * Mr] = src[t];
            }
        FillOffsets(g, off);
        Run(g, cout, k, x, a.InputLength / a.Batch, pack, off, bias, y, a.OutputLength / a.Batch, a.Batch, accumulate);
        return true;
    }

    /// <summary>dx += convᵀ(dy, w) on the direct path; false when it does not apply.</summary>
    public static bool BackwardData(in Conv2dArgs a, float* dy, float* w, float* dx)
    {
        int flipH = a.DilationH * (a.KernelH - 1) - a.PadH, flipW = a.DilationW * (a.KernelW - 1) - a.PadW;
        if (!Applies(a) || a.InChannels % Mr != 0 || flipH < 0 || flipW < 0) return false;
        var g = new Grid(a.OutChannels, a.OutHeight, a.OutWidth, a.KernelH, a.KernelW, flipH, flipW, a.DilationH, a.DilationW);
        if (!g.Fits || g.Ho != a.Height || g.Wo != a.Width) return false;
        int cin = a.InChannels, cout = a.OutChannels, kh = a.KernelH, kw = a.KernelW, taps = kh * kw;
        int k = cout * taps;
        float* pack = ConvScratch.Get((long)cin * k + k, slot: 1);
        int* off = (int*)(pack + (long)cin * k);
        // The flipped, transposed kernel w′[c, o, u, v] = w[o, c, kh−1−u, kw−1−v], packed like Forward's.
        for (int s = 0; s < cin / Mr; s++)
            for (int r = 0; r < Mr; r++)
            {
                int c = s * Mr + r;
                float* dst = pack + (long)s * k * Mr + r;
                for (int o = 0; o < cout; o++)
                {
                    float* src = w + ((long)o * cin + c) * taps;
                    for (int t = 0; t < taps; t++) dst[(o * taps + t) * Mr] = src[taps - 1 - t];
                }
            }
        FillOffsets(g, off);
        Run(g, cin, k, dy, a.OutputLength / a.Batch, pack, off, null, dx, a.InputLength / a.Batch, a.Batch, accumulate: true);
        return true;
    }

    /// <summary>off[(c·kh + u)·kw + v] = c·S + u·dh·Wp + v·dw.</summary>
    private static void FillOffsets(in Grid g, int* off)
    {
        for (int c = 0; c < g.C; c++)
            for (int u = 0; u < g.Kh; u++)
                for (int v = 0; v < g.Kw; v++)
                    off[(c * g.Kh + u) * g.Kw + v] = (int)(c * g.Stride) + g.TapOffset(u, v);
    }

    private struct ConvJob
    {
        public Grid G;
        public int Cout, K;
        public float* X, Y, Pack, Bias;
        public int* Off;
        public long XImage, YImage;
        public bool Accumulate;
    }

    private static void Run(in Grid g, int cout, int k, float* x, long xImage, float* pack, int* off, float* bias,
        float* y, long yImage, int batch, bool accumulate)
    {
        var job = new ConvJob
        {
            G = g, Cout = cout, K = k, X = x, Y = y, Pack = pack, Bias = bias, Off = off,
            XImage = xImage, YImage = yImage, Accumulate = accumulate,
        };
        CpuWorkers.Run(&RunImage, &job, batch);
    }

    private static void RunImage(void* context, int n)
    {
        ref var job = ref Unsafe.AsRef<ConvJob>(context);
        var g = job.G;
        float* xp = ConvScratch.Get(g.C * g.Stride + (long)job.Cout * g.Ld);
        float* ext = xp + g.C * g.Stride;
        Pad(g, job.X + n * job.XImage, xp);
        int slivers = job.Cout / Mr;
        for (int b = 0; b < g.Blocks; b++)
            for (int s = 0; s < slivers; s++)
                Tile(job.K, job.Pack + (long)s * job.K * Mr, job.Off, xp + b * Nr, ext + (long)s * Mr * g.Ld + b * Nr, g.Ld);

        // Keep the real columns of each row, adding the bias (or into y).
        float* y = job.Y + n * job.YImage;
        for (int o = 0; o < job.Cout; o++)
        {
            float bias = job.Bias != null ? job.Bias[o] : 0f;
            for (int i = 0; i < g.Ho; i++)
            {
                float* src = ext + (long)o * g.Ld + i * g.Wp;
                float* dst = y + ((long)o * g.Ho + i) * g.Wo;
                if (job.Accumulate) for (int j = 0; j < g.Wo; j++) dst[j] += src[j] + bias;
                else for (int j = 0; j < g.Wo; j++) dst[j] = src[j] + bias;
            }
        }
    }

    /// <summary>xp[c·S + (i + ph)·Wp + j + pw] = x[c, i, j], zero in the border and the slack.</summary>
    private static void Pad(in Grid g, float* x, float* xp)
    {
        int top = g.PadH * g.Wp, right = g.Wp - g.PadW - g.W;
        long bottom = g.Stride - (long)(g.PadH + g.H) * g.Wp;
        for (int c = 0; c < g.C; c++)
        {
            float* src = x + (long)c * g.H * g.W;
            float* dst = xp + c * g.Stride;
            new Span<float>(dst, top).Clear();
            for (int i = 0; i < g.H; i++, src += g.W)
            {
                float* row = dst + (g.PadH + i) * g.Wp;
                for (int j = 0; j < g.PadW; j++) row[j] = 0f;
                Buffer.MemoryCopy(src, row + g.PadW, g.W * sizeof(float), g.W * sizeof(float));
                for (int j = 0; j < right; j++) row[g.PadW + g.W + j] = 0f;
            }
            new Span<float>(dst + (g.PadH + g.H) * g.Wp, (int)bottom).Clear();
        }
    }

    /// <summary>
    /// c[r·ldc + j] = Σ_t a[t·8 + r] · b[off[t] + j] for r &lt; 8, j &lt; 48: 24 accumulators, and per
    /// tap three unaligned loads of the shifted image and eight broadcasts of packed weights
    /// against 24 FMAs (the 12×32 GEMM kernel's balance, with no B packing).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Tile(int k, float* a, int* off, float* b, float* c, nint ldc)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default,
            c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default,
            c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default,
            c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (int t = 0; t < k; t++, a += Mr)
        {
            float* bt = b + off[t];
            var b0 = Vector512.Load(bt);
            var b1 = Vector512.Load(bt + 16);
            var b2 = Vector512.Load(bt + 32);
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01); c02 = Vector512.FusedMultiplyAdd(x, b2, c02);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11); c12 = Vector512.FusedMultiplyAdd(x, b2, c12);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21); c22 = Vector512.FusedMultiplyAdd(x, b2, c22);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31); c32 = Vector512.FusedMultiplyAdd(x, b2, c32);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41); c42 = Vector512.FusedMultiplyAdd(x, b2, c42);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51); c52 = Vector512.FusedMultiplyAdd(x, b2, c52);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61); c62 = Vector512.FusedMultiplyAdd(x, b2, c62);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71); c72 = Vector512.FusedMultiplyAdd(x, b2, c72);
        }
        Store3(c, c00, c01, c02); Store3(c + ldc, c10, c11, c12); Store3(c + 2 * ldc, c20, c21, c22); Store3(c + 3 * ldc, c30, c31, c32);
        Store3(c + 4 * ldc, c40, c41, c42); Store3(c + 5 * ldc, c50, c51, c52); Store3(c + 6 * ldc, c60, c61, c62); Store3(c + 7 * ldc, c70, c71, c72);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2)
    {
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + 16);
        Vector512.Store(v2, c + 32);
    }

    // ---- backward-weight ------------------------------------------------------------------------

    private struct WeightJob
    {
        public Grid G;
        public int Cout, Batch, Parts;
        public float* X, Dy, Partial;
        public long XImage, DyImage, PartLength;
        public bool Bias;
    }

    /// <summary>dw += Σₙ dyₙ ⋆ xₙ (and dbias += Σ dy) on the direct path; false when it does not apply.</summary>
    public static bool BackwardWeight(in Conv2dArgs a, float* x, float* dy, float* dw, float* dbias)
    {
        if (!Applies(a)) return false;
        var g = new Grid(a.InChannels, a.Height, a.Width, a.KernelH, a.KernelW, a.PadH, a.PadW, a.DilationH, a.DilationW);
        if (!g.Fits || g.Ho != a.OutHeight || g.Wo != a.OutWidth) return false;
        int cin = a.InChannels, cout = a.OutChannels, taps = a.KernelH * a.KernelW;
        // Parts of the batch with their own partial sums: a function of the batch only (deterministic).
        int parts = Math.Min(a.Batch, 8);
        long partLength = (long)taps * cout * cin + cout;
        float* partial = ConvScratch.Get(parts * partLength, slot: 1);
        new Span<float>(partial, checked((int)(parts * partLength))).Clear();
        var job = new WeightJob
        {
            G = g, Cout = cout, Batch = a.Batch, Parts = parts, X = x, Dy = dy, Partial = partial,
            XImage = a.InputLength / a.Batch, DyImage = a.OutputLength / a.Batch, PartLength = partLength, Bias = dbias != null,
        };
        CpuWorkers.Run(&WeightPart, &job, parts);

        // partial[p][tap][o][c] → dw[o, c, tap], parts added in order.
        for (int o = 0; o < cout; o++)
            for (int c = 0; c < cin; c++)
                for (int t = 0; t < taps; t++)
                {
                    float sum = 0f;
                    for (int p = 0; p < parts; p++) sum += partial[p * partLength + ((long)t * cout + o) * cin + c];
                    dw[((long)o * cin + c) * taps + t] += sum;
                }
        if (dbias != null)
            for (int o = 0; o < cout; o++)
            {
                float sum = 0f;
                for (int p = 0; p < parts; p++) sum += partial[p * partLength + (long)taps * cout * cin + o];
                dbias[o] += sum;
            }
        return true;
    }

    private static void WeightPart(void* context, int part)
    {
        ref var job = ref Unsafe.AsRef<WeightJob>(context);
        var g = job.G;
        int cin = g.C, cout = job.Cout;
        float* xt = ConvScratch.Get(g.Stride * cin + (long)cout * g.Plane);
        float* dyExt = xt + g.Stride * cin;
        float* sums = job.Partial + part * job.PartLength;
        float* biasSums = sums + (long)g.Kh * g.Kw * cout * cin;
        int first = (int)((long)job.Batch * part / job.Parts), last = (int)((long)job.Batch * (part + 1) / job.Parts);
        for (int n = first; n < last; n++)
        {
            PadChannelsLast(g, job.X + n * job.XImage, xt);
            // dy on the padded width, zero in the extra columns (they meet the shifted image's wrap-around).
            float* dyn = job.Dy + n * job.DyImage;
            for (int o = 0; o < cout; o++)
            {
                float s = 0f;
                for (int i = 0; i < g.Ho; i++)
                {
                    float* src = dyn + ((long)o * g.Ho + i) * g.Wo;
                    float* dst = dyExt + (long)o * g.Plane + i * g.Wp;
                    for (int j = 0; j < g.Wo; j++)
                    {
                        dst[j] = src[j];
                        s += src[j];
                    }
                    for (int j = g.Wo; j < g.Wp; j++) dst[j] = 0f;
                }
                if (job.Bias) biasSums[o] += s;
            }
            for (int u = 0; u < g.Kh; u++)
                for (int v = 0; v < g.Kw; v++)
                {
                    // sums[tap][o, c] += Σ_p dyExt[o, p] · xt[p + off, c]
                    var gemm = new GemmArgs(false, false, cout, cin, g.Plane, 1f, 1f, Lda: g.Plane, Ldb: cin, Ldc: cin);
                    CpuGemm.SgemmSerial(gemm, dyExt, xt + (long)g.TapOffset(u, v) * cin, sums + (long)(u * g.Kw + v) * cout * cin);
                }
        }
    }

    /// <summary>xt[q·C + c] = xp[c·S + q]: the padded image channels-last, zero in the border and the slack.</summary>
    private static void PadChannelsLast(in Grid g, float* x, float* xt)
    {
        int cin = g.C;
        new Span<float>(xt, checked((int)(g.Stride * cin))).Clear();
        long plane = (long)g.H * g.W;
        int c8 = cin & ~7, w8 = g.W & ~7;
        for (int i = 0; i < g.H; i++)
        {
            float* dstRow = xt + ((long)(g.PadH + i) * g.Wp + g.PadW) * cin;
            float* srcRow = x + (long)i * g.W;
            for (int j = 0; j < w8; j += 8)
                for (int c = 0; c < c8; c += 8)
                    CpuGemm.Transpose8x8(srcRow + c * plane + j, (nint)plane, dstRow + (long)j * cin + c, cin);
            for (int j = 0; j < g.W; j++)
            {
                int cStart = j < w8 ? c8 : 0;
                for (int c = cStart; c < cin; c++) dstRow[(long)j * cin + c] = srcRow[c * plane + j];
            }
        }
    }
}
