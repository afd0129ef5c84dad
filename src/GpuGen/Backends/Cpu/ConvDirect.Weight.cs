using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuGen.Backends.Cpu;

/// <summary>The direct path's weight gradient: dw += Σₙ dyₙ ⋆ xₙ and dbias += Σ dy, image by image over padded copies.</summary>
internal static unsafe partial class ConvDirect
{
    private struct WeightJob
    {
        public Grid G;
        public int Cout, Batch, Parts;
        public float* X, Dy, Partial;
        public long XImage, DyImage, PartLength;
        public bool Bias;
    }

    /// <summary>dw += Σₙ dyₙ ⋆ xₙ (and dbias += Σ dy) on the direct path; false when it does not apply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool BackwardWeight(in Conv2dArgs a, float* x, float* dy, float* dw, float* dbias)
    {
        // Fewer than 8 input channels (the UNet's 1→32 input conv): per-tap GEMMs only Cin wide, slower than im2col's one GEMM.
        if (!Usable(a) || !StrideOne(a) || a.InChannels < Mr) return false;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
