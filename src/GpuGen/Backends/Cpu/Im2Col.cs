using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The lowering of one image's convolution to a GEMM (Chellapilla et al. 2006): im2col copies every
/// receptive field into a column, col[(c·kh + u)·kw + v, i·Wo + j] = x[c, i·sh − ph + u·dh, j·sw − pw + v·dw]
/// (0 outside the image), so that y = w·col; col2im is its adjoint and scatters columns back with +=.
/// Rows are ordered like the weight's [Cin, kh, kw] axes, so group g's rows are one contiguous block.
/// For each (u, v) the output columns j whose taps fall inside the image form one range [j0, j1),
/// computed once, so the inner loops are plain copies (stride 1) or strided gathers with no tests.
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>The range [j0, j1) of output positions whose tap j·s − p + v·d lies in [0, size).</summary>
    private static (int J0, int J1) Valid(int outSize, int size, int stride, int pad, int offset)
    {
        // j·s ≥ p − offset  and  j·s ≤ size − 1 + p − offset.
        int lo = pad - offset, hi = size - 1 + pad - offset;
        int j0 = lo <= 0 ? 0 : (lo + stride - 1) / stride;
        int j1 = hi < 0 ? 0 : Math.Min(outSize, hi / stride + 1);
        return (Math.Min(j0, j1), j1);
    }

    /// <summary>col [C·kh·kw, Ho·Wo] = im2col(x [C, H, W]) for channels [0, C) of one image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lower(in Conv2dArgs a, int channels, float* x, float* col)
    {
        int h = a.Height, w = a.Width, ho = a.OutHeight, wo = a.OutWidth, sw = a.StrideW;
        long plane = (long)ho * wo;
        for (int c = 0; c < channels; c++)
        {
            float* xc = x + (long)c * h * w;
            for (int u = 0; u < a.KernelH; u++)
            {
                int offY = u * a.DilationH;
                var (i0, i1) = Valid(ho, h, a.StrideH, a.PadH, offY);
                for (int v = 0; v < a.KernelW; v++)
                {
                    int offX = v * a.DilationW;
                    var (j0, j1) = Valid(wo, w, sw, a.PadW, offX);
                    float* row = col + ((long)(c * a.KernelH + u) * a.KernelW + v) * plane;
                    if (i0 > 0) new Span<float>(row, i0 * wo).Clear();
                    for (int i = i0; i < i1; i++)
                    {
                        float* dst = row + (long)i * wo;
                        float* src = xc + (long)(i * a.StrideH - a.PadH + offY) * w + (j0 * sw - a.PadW + offX);
                        for (int j = 0; j < j0; j++) dst[j] = 0f;
                        int n = j1 - j0;
                        if (sw == 1) Buffer.MemoryCopy(src, dst + j0, n * sizeof(float), n * sizeof(float));
                        else for (int j = 0; j < n; j++) dst[j0 + j] = src[j * sw];
                        for (int j = j1; j < wo; j++) dst[j] = 0f;
                    }
                    if (i1 < ho) new Span<float>(row + (long)i1 * wo, (ho - i1) * wo).Clear();
                }
            }
        }
    }

    /// <summary>x [C, H, W] += col2im(col [C·kh·kw, Ho·Wo]): the adjoint of <see cref="Lower"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Raise(in Conv2dArgs a, int channels, float* col, float* x)
    {
        int h = a.Height, w = a.Width, ho = a.OutHeight, wo = a.OutWidth, sw = a.StrideW;
        long plane = (long)ho * wo;
        for (int c = 0; c < channels; c++)
        {
            float* xc = x + (long)c * h * w;
            for (int u = 0; u < a.KernelH; u++)
            {
                int offY = u * a.DilationH;
                var (i0, i1) = Valid(ho, h, a.StrideH, a.PadH, offY);
                for (int v = 0; v < a.KernelW; v++)
                {
                    int offX = v * a.DilationW;
                    var (j0, j1) = Valid(wo, w, sw, a.PadW, offX);
                    int n = j1 - j0;
                    if (n <= 0) continue;
                    float* row = col + ((long)(c * a.KernelH + u) * a.KernelW + v) * plane;
                    for (int i = i0; i < i1; i++)
                    {
                        float* src = row + (long)i * wo + j0;
                        float* dst = xc + (long)(i * a.StrideH - a.PadH + offY) * w + (j0 * sw - a.PadW + offX);
                        if (sw == 1)
                        {
                            var d = new Span<float>(dst, n);
                            TensorPrimitives.Add(d, new ReadOnlySpan<float>(src, n), d);
                        }
                        else for (int j = 0; j < n; j++) dst[j * sw] += src[j];
                    }
                }
            }
        }
    }
}

/// <summary>
/// Grow-only scratch memory of the thread that calls a convolution kernel (the im2col columns, the
/// per-slot weight-gradient partials, padded images): allocated on first use, reused by every later
/// call on that thread, so a warm training step allocates nothing; freed when the thread dies. Each
/// thread has <see cref="Slots"/> independent areas, so a kernel can hold shared data (packed weights,
/// per-part partial sums) in one slot of the calling thread while every thread works in slot 0.
/// </summary>
internal sealed unsafe class ConvScratch
{
    public const int Slots = 2;

    [ThreadStatic] private static ConvScratch?[]? current;

    private float* memory;
    private long capacity;

    /// <summary>At least <paramref name="floats"/> floats, 64-byte aligned, contents undefined.</summary>
    public static float* Get(long floats, int slot = 0)
    {
        var s = (current ??= new ConvScratch?[Slots])[slot] ??= new ConvScratch();
        if (s.capacity < floats)
        {
            if (s.memory != null) NativeMemory.AlignedFree(s.memory);
            s.memory = null;
            s.capacity = 0;
            s.memory = (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, floats) * sizeof(float), 64);
            s.capacity = floats;
        }
        return s.memory;
    }

    ~ConvScratch()
    {
        if (memory != null) NativeMemory.AlignedFree(memory);
    }
}
