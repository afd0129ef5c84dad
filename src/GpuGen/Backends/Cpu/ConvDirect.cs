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
///       the kernel flipped and transposed, padding d·(k − 1) − p: the same code. With stride s &gt; 1
///       (transposed convolutions) the outputs split into s² residue classes, each a small stride-1
///       convolution of dy (sub-pixel; 2×2 taps each for k4 s2 p1), again the same code.</item>
/// <item>Backward-weight: per tap, dW[:, :, u, v] += dy_ext · shifted(xpᵀ), a GEMM over positions with
///       the image channels-last and dy on the padded width (zero in the extra columns), so the packed
///       GEMM reads both operands in place.</item>
/// </list>
/// Images are split between the cores (whole images per chunk); weight-gradient partial sums are kept
/// per fixed part of the batch and added in a fixed order, so results do not depend on scheduling.
/// </summary>
internal static unsafe partial class ConvDirect
{
    private const int Mr = 8, Nr = 48;

    /// <summary>Whether the direct path can take this convolution: AVX-512, one group, not a plain 1×1.</summary>
    private static bool Usable(in Conv2dArgs a) =>
        Vector512.IsHardwareAccelerated && CpuGemm.UseVector512 && Enabled && a.Groups == 1 && !a.IsPointwise;

    private static bool StrideOne(in Conv2dArgs a) => a.StrideH == 1 && a.StrideW == 1;

    /// <summary>Settable by tests and benchmarks, to compare with the im2col path.</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>The padded grid of one image for the weight gradient: sizes, and the per-channel stride of the padded copy.</summary>
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

    /// <summary>
    /// A padded copy of one image, xp[c·Stride + (i + PadH)·Wp + j + PadW] = x[c, i, j]: zero in the
    /// border, and zero slack after each channel up to the furthest position a tile reads ("reach").
    /// </summary>
    private readonly struct Padded(int c, int h, int w, int padH, int padW, long reach, int padRight = -1)
    {
        public readonly int C = c, H = h, W = w, PadH = padH, PadW = padW, Wp = w + padW + (padRight < 0 ? padW : padRight);
        public readonly long Stride = (Math.Max((long)(h + 2 * padH) * (w + padW + (padRight < 0 ? padW : padRight)), reach) + 15) & ~15L;

        public bool Fits => C * Stride < int.MaxValue;
    }

    /// <summary>
    /// One stride-1 sub-convolution over the padded image: K taps (packed weights [K/8 slivers][K][8]
    /// and one input offset per tap), computed on Mh rows of the padded width, whose first Mw columns
    /// land in the output at rows Step·m + RowH and columns Step·n + RowW.
    /// </summary>
    private struct Phase
    {
        /// <summary>Taps, output rows and columns, output residues, and positions computed (see <see cref="Cover"/>).</summary>
        public int K, Mh, Mw, RowH, RowW, Width;
        public float* Pack;
        public int* Off;
    }

    // ---- forward and backward-data -------------------------------------------------------------

    /// <summary>y (+)= conv(x, w) + bias on the direct path; false when it does not apply (the caller falls back).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Forward(in Conv2dArgs a, float* x, float* w, float* bias, float* y, bool accumulate)
    {
        if (!Usable(a) || !StrideOne(a)) return false;
        int k = a.PatchSize, cout = a.OutChannels, kh = a.KernelH, kw = a.KernelW, slivers = Slivers(cout);
        int wp = a.Width + 2 * a.PadW, ho = a.OutHeight, wo = a.OutWidth;
        int width = Cover(ho * wp);
        var pad = new Padded(a.InChannels, a.Height, a.Width, a.PadH, a.PadW, (long)(kh - 1) * a.DilationH * wp + (kw - 1) * a.DilationW + width);
        if (!pad.Fits) return false;
        float* pack = ConvScratch.Get((long)slivers * Mr * k + k, slot: 1);
        int* off = (int*)(pack + (long)slivers * Mr * k);
        // pack[s][t][r] = w[s·8 + r, t]: each 8-channel sliver of W, tap-major; zero past the last channel.
        for (int s = 0; s < slivers; s++)
            for (int r = 0; r < Mr; r++)
            {
                float* src = w + (long)(s * Mr + r) * k;
                float* dst = pack + (long)s * k * Mr + r;
                if (s * Mr + r < cout) for (int t = 0; t < k; t++) dst[t * Mr] = src[t];
                else for (int t = 0; t < k; t++) dst[t * Mr] = 0f;
            }
        // off[(c·kh + u)·kw + v] = c·S + u·dh·Wp + v·dw.
        for (int c = 0; c < a.InChannels; c++)
            for (int u = 0; u < kh; u++)
                for (int v = 0; v < kw; v++)
                    off[(c * kh + u) * kw + v] = (int)(c * pad.Stride) + u * a.DilationH * wp + v * a.DilationW;
        var phase = new Phase { K = k, Mh = ho, Mw = wo, Width = width, Pack = pack, Off = off };
        Run(pad, cout, ho, wo, 1, 1, &phase, 1, x, a.InputLength / a.Batch, bias, y, a.OutputLength / a.Batch, a.Batch, accumulate);
        return true;
    }

    /// <summary>dx += convᵀ(dy, w) (dx = … without accumulate) on the direct path; false when it does not apply.</summary>
    public static bool BackwardData(in Conv2dArgs a, float* dy, float* w, float* dx, bool accumulate)
    {
        if (!Usable(a) || a.InChannels % Mr != 0) return false;
        return StrideOne(a) ? BackwardDataStrideOne(a, dy, w, dx, accumulate)
            : a.DilationH == 1 && a.DilationW == 1 && BackwardDataSubPixel(a, dy, w, dx, accumulate);
    }

    /// <summary>
    /// Stride 1: the adjoint is the convolution of dy, padded by d·(k − 1) − p, with the kernel
    /// flipped and transposed, w′[c, o, u, v] = w[o, c, kh−1−u, kw−1−v].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool BackwardDataStrideOne(in Conv2dArgs a, float* dy, float* w, float* dx, bool accumulate)
    {
        int flipH = a.DilationH * (a.KernelH - 1) - a.PadH, flipW = a.DilationW * (a.KernelW - 1) - a.PadW;
        if (flipH < 0 || flipW < 0) return false;
        int cin = a.InChannels, cout = a.OutChannels, kh = a.KernelH, kw = a.KernelW, taps = kh * kw;
        int k = cout * taps, wp = a.OutWidth + 2 * flipW;
        int width = Cover(a.Height * wp);
        var pad = new Padded(cout, a.OutHeight, a.OutWidth, flipH, flipW, (long)(kh - 1) * a.DilationH * wp + (kw - 1) * a.DilationW + width);
        if (!pad.Fits) return false;
        float* pack = ConvScratch.Get((long)cin * k + k, slot: 1);
        int* off = (int*)(pack + (long)cin * k);
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
        for (int o = 0; o < cout; o++)
            for (int u = 0; u < kh; u++)
                for (int v = 0; v < kw; v++)
                    off[(o * kh + u) * kw + v] = (int)(o * pad.Stride) + u * a.DilationH * wp + v * a.DilationW;
        var phase = new Phase { K = k, Mh = a.Height, Mw = a.Width, Width = width, Pack = pack, Off = off };
        // Every dx element is one output of this convolution, so without accumulate it is simply written.
        Run(pad, cin, a.Height, a.Width, 1, 1, &phase, 1, dy, a.OutputLength / a.Batch, null, dx, a.InputLength / a.Batch, a.Batch, accumulate);
        return true;
    }

    /// <summary>
    /// Stride s &gt; 1 (the transposed convolution of DCGAN's generator, k4 s2 p1), sub-pixel: the
    /// outputs y = s·m + r of one residue r form a stride-1 correlation of dy. With q = ⌊(r + p)/s⌋,
    /// ρ = (r + p) mod s, the taps are u = ρ + s·t (t &lt; ⌈(k − ρ)/s⌉) and read dy[m + q − t], so each
    /// of the s² residue classes is a small stride-1 convolution (2×2 taps for k4 s2) on dy padded by
    /// ⌈k/s⌉, and nothing is scattered twice (no col2im).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool BackwardDataSubPixel(in Conv2dArgs a, float* dy, float* w, float* dx, bool accumulate)
    {
        int cin = a.InChannels, cout = a.OutChannels, kh = a.KernelH, kw = a.KernelW, sh = a.StrideH, sw = a.StrideW;
        int count = sh * sw;
        if (count > 64) return false;
        Phase* phases = stackalloc Phase[count];
        int* q = stackalloc int[4 * count]; // per phase: qh, qw, ρh, ρw
        // The padding the classes need: top/left so that m + q − t ≥ 0, bottom/right so that valid outputs read inside.
        int top = 0, left = 0, right = 0;
        for (int r = 0; r < sh; r++)
        {
            int qh = (r + a.PadH) / sh, rho = (r + a.PadH) % sh, t = rho < kh ? (kh - rho + sh - 1) / sh : 0;
            if (t > 0) top = Math.Max(top, t - 1 - qh);
        }
        for (int r = 0; r < sw; r++)
        {
            int qw = (r + a.PadW) / sw, rho = (r + a.PadW) % sw, t = rho < kw ? (kw - rho + sw - 1) / sw : 0;
            int mw = r < a.Width ? (a.Width - r + sw - 1) / sw : 0;
            if (t == 0 || mw == 0) continue;
            left = Math.Max(left, t - 1 - qw);
            right = Math.Max(right, mw - 1 + qw - (a.OutWidth - 1));
        }
        int ph = top, pw = left, wp = a.OutWidth + left + right;
        int used = 0;
        long reach = 0, packLength = 0;
        for (int rh = 0; rh < sh; rh++)
            for (int rw = 0; rw < sw; rw++)
            {
                int qh = (rh + a.PadH) / sh, rhoH = (rh + a.PadH) % sh, qw = (rw + a.PadW) / sw, rhoW = (rw + a.PadW) % sw;
                int th = rhoH < kh ? (kh - rhoH + sh - 1) / sh : 0, tw = rhoW < kw ? (kw - rhoW + sw - 1) / sw : 0;
                int mh = rh < a.Height ? (a.Height - rh + sh - 1) / sh : 0, mw = rw < a.Width ? (a.Width - rw + sw - 1) / sw : 0;
                if (th == 0 || tw == 0 || mh == 0 || mw == 0) continue; // these outputs get nothing
                int width = Cover(mh * wp);
                phases[used] = new Phase { K = cout * th * tw, Mh = mh, Mw = mw, RowH = rh, RowW = rw, Width = width };
                q[4 * used] = qh; q[4 * used + 1] = qw; q[4 * used + 2] = rhoH; q[4 * used + 3] = rhoW;
                reach = Math.Max(reach, (long)(qh + ph) * wp + qw + pw + width);
                packLength += (long)cin * phases[used].K + phases[used].K;
                used++;
            }
        // Residue classes without taps get nothing: without accumulate dx starts from zero, then the classes add.
        if (!accumulate) new Span<float>(dx, checked((int)a.InputLength)).Clear();
        if (used == 0) return true;
        var pad = new Padded(cout, a.OutHeight, a.OutWidth, ph, pw, reach, right);
        if (!pad.Fits) return false;
        float* memory = ConvScratch.Get(packLength, slot: 1);
        for (int f = 0; f < used; f++)
        {
            ref var phase = ref phases[f];
            int qh = q[4 * f], qw = q[4 * f + 1], rhoH = q[4 * f + 2], rhoW = q[4 * f + 3];
            int th = (kh - rhoH + sh - 1) / sh, tw = (kw - rhoW + sw - 1) / sw, k = phase.K;
            phase.Pack = memory;
            phase.Off = (int*)(memory + (long)cin * k);
            memory += (long)cin * k + k;
            // pack[s][(o·th + i)·tw + j][r] = w[o, s·8 + r, ρh + s·i, ρw + s·j]
            for (int s = 0; s < cin / Mr; s++)
                for (int r = 0; r < Mr; r++)
                {
                    float* dst = phase.Pack + (long)s * k * Mr + r;
                    for (int o = 0; o < cout; o++)
                    {
                        float* src = w + ((long)o * cin + s * Mr + r) * kh * kw;
                        for (int i = 0; i < th; i++)
                            for (int j = 0; j < tw; j++)
                                dst[((o * th + i) * tw + j) * Mr] = src[(rhoH + sh * i) * kw + rhoW + sw * j];
                    }
                }
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < th; i++)
                    for (int j = 0; j < tw; j++)
                        phase.Off[(o * th + i) * tw + j] = (int)(o * pad.Stride) + (qh - i + ph) * wp + (qw - j + pw);
        }
        Run(pad, cin, a.Height, a.Width, sh, sw, phases, used, dy, a.OutputLength / a.Batch, null, dx, a.InputLength / a.Batch, a.Batch, accumulate: true);
        return true;
    }

    private struct ConvJob
    {
        public Padded Pad;
        public int Cout, OutH, OutW, StepH, StepW, Ld, PhaseCount;
        public Phase* Phases;
        public float* X, Y, Bias;
        public long XImage, YImage;
        public bool Accumulate;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(in Padded pad, int cout, int outH, int outW, int stepH, int stepW, Phase* phases, int phaseCount,
        float* x, long xImage, float* bias, float* y, long yImage, int batch, bool accumulate)
    {
        int ld = 0;
        for (int f = 0; f < phaseCount; f++) ld = Math.Max(ld, phases[f].Width);
        var job = new ConvJob
        {
            Pad = pad, Cout = cout, OutH = outH, OutW = outW, StepH = stepH, StepW = stepW, Ld = ld, PhaseCount = phaseCount,
            Phases = phases, X = x, Y = y, Bias = bias, XImage = xImage, YImage = yImage, Accumulate = accumulate,
        };
        CpuWorkers.Run(&RunImage, &job, batch);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunImage(void* context, int n)
    {
        ref var job = ref Unsafe.AsRef<ConvJob>(context);
        var pad = job.Pad;
        int slivers = Slivers(job.Cout), ld = job.Ld;
        float* xp = ConvScratch.Get(pad.C * pad.Stride + (long)slivers * Mr * ld);
        float* ext = xp + pad.C * pad.Stride;
        Pad(pad, job.X + n * job.XImage, xp);
        float* y = job.Y + n * job.YImage;
        for (int f = 0; f < job.PhaseCount; f++)
        {
            var phase = job.Phases[f];
            int b = 0;
            for (; b + Nr <= phase.Width; b += Nr)
                for (int s = 0; s < slivers; s++)
                    Tile(phase.K, phase.Pack + (long)s * phase.K * Mr, phase.Off, xp + b, ext + (long)s * Mr * ld + b, ld);
            if (phase.Width - b == 32)
                for (int s = 0; s < slivers; s++)
                    Tile32(phase.K, phase.Pack + (long)s * phase.K * Mr, phase.Off, xp + b, ext + (long)s * Mr * ld + b, ld);
            else if (phase.Width - b == 16)
                for (int s = 0; s < slivers; s++)
                    Tile16(phase.K, phase.Pack + (long)s * phase.K * Mr, phase.Off, xp + b, ext + (long)s * Mr * ld + b, ld);

            // Keep the real columns of each row, adding the bias (or into y).
            for (int o = 0; o < job.Cout; o++)
            {
                float bias = job.Bias != null ? job.Bias[o] : 0f;
                for (int m = 0; m < phase.Mh; m++)
                {
                    float* src = ext + (long)o * ld + m * pad.Wp;
                    float* dst = y + ((long)o * job.OutH + job.StepH * m + phase.RowH) * job.OutW + phase.RowW;
                    if (job.StepW == 1)
                    {
                        if (job.Accumulate) for (int j = 0; j < phase.Mw; j++) dst[j] += src[j] + bias;
                        else for (int j = 0; j < phase.Mw; j++) dst[j] = src[j] + bias;
                    }
                    else
                    {
                        if (job.Accumulate) for (int j = 0; j < phase.Mw; j++) dst[j * job.StepW] += src[j] + bias;
                        else for (int j = 0; j < phase.Mw; j++) dst[j * job.StepW] = src[j] + bias;
                    }
                }
            }
        }
    }

    /// <summary>8-channel slivers that cover <paramref name="channels"/> (the last one zero-padded when needed).</summary>
    private static int Slivers(int channels) => (channels + Mr - 1) / Mr;

    /// <summary>xp[c·S + (i + ph)·Wp + j + pw] = x[c, i, j], zero in the border and the slack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pad(in Padded g, float* x, float* xp)
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

    /// <summary>
    /// Positions computed for a plane of n: whole 48-wide tiles, then one 48-, 32- or 16-wide tile for
    /// the rest (a 7×7 image on a 9-wide padded grid is 63 positions: 48 + 16, not 2 × 48).
    /// </summary>
    private static int Cover(int n)
    {
        int full = n / Nr * Nr, rest = n - full;
        return full + (rest == 0 ? 0 : rest > 32 ? Nr : rest > 16 ? 32 : 16);
    }

    /// <summary>The 32-wide tail of <see cref="Tile"/> (16 accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Tile32(int k, float* a, int* off, float* b, float* c, nint ldc)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default,
            c60 = default, c61 = default, c70 = default, c71 = default;
        for (int t = 0; t < k; t++, a += Mr)
        {
            float* bt = b + off[t];
            var b0 = Vector512.Load(bt);
            var b1 = Vector512.Load(bt + 16);
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        Vector512.Store(c00, c); Vector512.Store(c01, c + 16);
        Vector512.Store(c10, c + ldc); Vector512.Store(c11, c + ldc + 16);
        Vector512.Store(c20, c + 2 * ldc); Vector512.Store(c21, c + 2 * ldc + 16);
        Vector512.Store(c30, c + 3 * ldc); Vector512.Store(c31, c + 3 * ldc + 16);
        Vector512.Store(c40, c + 4 * ldc); Vector512.Store(c41, c + 4 * ldc + 16);
        Vector512.Store(c50, c + 5 * ldc); Vector512.Store(c51, c + 5 * ldc + 16);
        Vector512.Store(c60, c + 6 * ldc); Vector512.Store(c61, c + 6 * ldc + 16);
        Vector512.Store(c70, c + 7 * ldc); Vector512.Store(c71, c + 7 * ldc + 16);
    }

    /// <summary>The 16-wide tail of <see cref="Tile"/> (8 accumulators, just enough chains for two FMA ports).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Tile16(int k, float* a, int* off, float* b, float* c, nint ldc)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int t = 0; t < k; t++, a += Mr)
        {
            var b0 = Vector512.Load(b + off[t]);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
        }
        Vector512.Store(c0, c); Vector512.Store(c1, c + ldc); Vector512.Store(c2, c + 2 * ldc); Vector512.Store(c3, c + 3 * ldc);
        Vector512.Store(c4, c + 4 * ldc); Vector512.Store(c5, c + 5 * ldc); Vector512.Store(c6, c + 6 * ldc); Vector512.Store(c7, c + 7 * ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2)
    {
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + 16);
        Vector512.Store(v2, c + 32);
    }
}
