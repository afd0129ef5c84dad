using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

// Convolutions as im2col + the packed SGEMM (1×1 stride-1 convolutions skip im2col: the image is its
// own column matrix). Images go in chunks of ImagesPerChunk: the chunk's im2col/col2im runs with one
// image per core, then one batched GEMM per group covers the chunk, which CpuGemm splits into whole
// images per core. The columns of a chunk (≈ 2 × 0.9 MB for 32 channels, 3×3, 28×28) stay in L2/L3
// between the two phases. Backward-weight sums over images, so each chunk slot accumulates its own
// partial dW and the slots are added in a fixed order at the end (deterministic, no atomics).
public sealed unsafe partial class CpuKernels
{
    /// <summary>Images per batched GEMM call (a multiple of the two cores that CpuGemm splits over).</summary>
    internal static int ImagesPerChunk = 2;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2dForward(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer w, DeviceBuffer? bias, DeviceBuffer y, bool accumulate = false)
    {
        args.Validate();
        var g = new ConvGeometry(args);
        float* px = F(x, args.InputLength, nameof(x)), pw = F(w, args.WeightLength, nameof(w)), py = F(y, args.OutputLength, nameof(y));
        float* pb = bias is null ? null : F(bias, args.OutChannels, nameof(bias));
        if (ConvDirect.Forward(args, px, pw, pb, py, accumulate)) return;
        int chunk = ImagesPerChunk;
        float* col = args.IsPointwise ? null : ConvScratch.Get(chunk * g.ColLength);
        float beta = accumulate || pb != null ? 1f : 0f;
        for (int n0 = 0; n0 < args.Batch; n0 += chunk)
        {
            int count = Math.Min(chunk, args.Batch - n0);
            if (col != null || pb != null)
                CpuParallel.For(count, new ForwardPrepJob(g, px, pb, py, col, n0, accumulate), g.PrepThreshold);
            float* cols = col != null ? col : px + n0 * g.InLength;
            for (int grp = 0; grp < args.Groups; grp++)
            {
                var gemm = new GemmArgs(false, false, args.OutPerGroup, g.Plane, args.PatchSize, 1f, beta,
                    Lda: args.PatchSize, Ldb: g.Plane, Ldc: g.Plane, Batch: count,
                    StrideA: 0, StrideB: g.ColLength, StrideC: g.OutLength,
                    OffsetA: (long)grp * args.OutPerGroup * args.PatchSize,
                    OffsetB: (long)grp * args.PatchSize * g.Plane,
                    OffsetC: (long)n0 * g.OutLength + (long)grp * args.OutPerGroup * g.Plane);
                CpuGemm.Sgemm(gemm, pw, cols, py);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2dBackwardData(in Conv2dArgs args, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx, bool accumulate = true)
    {
        args.Validate();
        var g = new ConvGeometry(args);
        float* pdy = F(dy, args.OutputLength, nameof(dy)), pw = F(w, args.WeightLength, nameof(w)), pdx = F(dx, args.InputLength, nameof(dx));
        if (ConvDirect.BackwardData(args, pdy, pw, pdx, accumulate)) return;
        int chunk = ImagesPerChunk;
        float* col = args.IsPointwise ? null : ConvScratch.Get(chunk * g.ColLength);
        // col2im adds into dx, so overwriting starts from zero; the pointwise GEMM writes dx with β = 0.
        if (!accumulate && col != null) Fill(args.InputLength, 0f, dx);
        for (int n0 = 0; n0 < args.Batch; n0 += chunk)
        {
            int count = Math.Min(chunk, args.Batch - n0);
            // dcol = wᵀ·dy per group; a pointwise convolution adds it straight into dx.
            float* cols = col != null ? col : pdx + n0 * g.InLength;
            for (int grp = 0; grp < args.Groups; grp++)
            {
                var gemm = new GemmArgs(true, false, args.PatchSize, g.Plane, args.OutPerGroup, 1f, col != null || !accumulate ? 0f : 1f,
                    Lda: args.PatchSize, Ldb: g.Plane, Ldc: g.Plane, Batch: count,
                    StrideA: 0, StrideB: g.OutLength, StrideC: g.ColLength,
                    OffsetA: (long)grp * args.OutPerGroup * args.PatchSize,
                    OffsetB: (long)n0 * g.OutLength + (long)grp * args.OutPerGroup * g.Plane,
                    OffsetC: (long)grp * args.PatchSize * g.Plane);
                CpuGemm.Sgemm(gemm, pw, pdy, cols);
            }
            if (col != null) CpuParallel.For(count, new Col2ImJob(g, col, pdx, n0), g.PrepThreshold);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Conv2dBackwardWeight(in Conv2dArgs args, DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, DeviceBuffer? dbias)
    {
        args.Validate();
        var g = new ConvGeometry(args);
        float* px = F(x, args.InputLength, nameof(x)), pdy = F(dy, args.OutputLength, nameof(dy)), pdw = F(dw, args.WeightLength, nameof(dw));
        float* pdb = dbias is null ? null : F(dbias, args.OutChannels, nameof(dbias));
        if (ConvDirect.BackwardWeight(args, px, pdy, pdw, pdb)) return;
        int chunk = Math.Min(ImagesPerChunk, args.Batch);
        long weight = args.WeightLength, cout = args.OutChannels;
        // Scratch: [chunk] partial dW, [chunk] partial dbias, then [chunk] column matrices.
        float* partial = ConvScratch.Get(chunk * (weight + cout) + (args.IsPointwise ? 0 : chunk * g.ColLength));
        float* partialBias = partial + chunk * weight;
        float* col = args.IsPointwise ? null : partialBias + chunk * cout;
        new Span<float>(partial, checked((int)(chunk * (weight + cout)))).Clear();
        for (int n0 = 0; n0 < args.Batch; n0 += chunk)
        {
            int count = Math.Min(chunk, args.Batch - n0);
            if (col != null || pdb != null)
                CpuParallel.For(count, new WeightPrepJob(g, px, pdy, col, pdb != null ? partialBias : null, n0), g.PrepThreshold);
            float* cols = col != null ? col : px + n0 * g.InLength;
            for (int grp = 0; grp < args.Groups; grp++)
            {
                // dWₛ[Cout/G, K] += dyₙ[Cout/G, HoWo] · colₙᵀ[HoWo, K] for the image n in slot s.
                var gemm = new GemmArgs(false, true, args.OutPerGroup, args.PatchSize, g.Plane, 1f, 1f,
                    Lda: g.Plane, Ldb: g.Plane, Ldc: args.PatchSize, Batch: count,
                    StrideA: g.OutLength, StrideB: g.ColLength, StrideC: weight,
                    OffsetA: (long)n0 * g.OutLength + (long)grp * args.OutPerGroup * g.Plane,
                    OffsetB: (long)grp * args.PatchSize * g.Plane,
                    OffsetC: (long)grp * args.OutPerGroup * args.PatchSize);
                CpuGemm.Sgemm(gemm, pdy, cols, partial);
            }
        }
        for (int s = 0; s < chunk; s++)
        {
            var d = new Span<float>(pdw, checked((int)weight));
            TensorPrimitives.Add(d, new ReadOnlySpan<float>(partial + s * weight, (int)weight), d);
            if (pdb != null)
            {
                var b = new Span<float>(pdb, (int)cout);
                TensorPrimitives.Add(b, new ReadOnlySpan<float>(partialBias + s * cout, (int)cout), b);
            }
        }
    }

    public void ChannelBiasAdd(int batch, int channels, int spatial, DeviceBuffer bias, DeviceBuffer y)
    {
        NonNegative(batch, nameof(batch));
        NonNegative(channels, nameof(channels));
        NonNegative(spatial, nameof(spatial));
        long rows = (long)batch * channels;
        if (rows == 0 || spatial == 0) return;
        CpuParallel.For(rows, new BiasRowsJob(F(bias, channels, nameof(bias)), F(y, rows * spatial, nameof(y)), channels, spatial),
            Math.Max(1, CpuParallel.Cheap / spatial));
    }

    public void ChannelBiasBackward(int batch, int channels, int spatial, DeviceBuffer dy, DeviceBuffer dbias)
    {
        NonNegative(batch, nameof(batch));
        NonNegative(channels, nameof(channels));
        NonNegative(spatial, nameof(spatial));
        if (batch == 0 || channels == 0 || spatial == 0) return;
        float* pdy = F(dy, (long)batch * channels * spatial, nameof(dy)), pdb = F(dbias, channels, nameof(dbias));
        // One channel per task: Σ over images and positions in double, added in a fixed order.
        CpuParallel.For(channels, new BiasGradJob(pdy, pdb, batch, channels, spatial), Math.Max(1, CpuParallel.Cheap / ((long)batch * spatial)));
    }

    /// <summary>Per-image sizes derived once from <see cref="Conv2dArgs"/>.</summary>
    private readonly struct ConvGeometry(Conv2dArgs a)
    {
        public readonly Conv2dArgs Args = a;
        public readonly int Plane = a.OutHeight * a.OutWidth;
        /// <summary>Elements of one image's input, output and (all groups') column matrix.</summary>
        public readonly long InLength = (long)a.InChannels * a.Height * a.Width;
        public readonly long OutLength = (long)a.OutChannels * a.OutHeight * a.OutWidth;
        public readonly long ColLength = (long)a.InChannels * a.KernelH * a.KernelW * a.OutHeight * a.OutWidth;

        /// <summary>Images per part for the per-image phases: one per core once an image's columns are worth a hand-off.</summary>
        public long PrepThreshold => ColLength + OutLength >= CpuParallel.Cheap / 4 ? 1 : long.MaxValue;
    }

    /// <summary>Per image of the chunk: its columns, and y prefilled with the bias (or += bias when accumulating).</summary>
    private readonly struct ForwardPrepJob(ConvGeometry g, float* x, float* bias, float* y, float* col, int n0, bool accumulate) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            var a = g.Args;
            for (long s = start; s < end; s++)
            {
                long n = n0 + s;
                if (col != null) Im2Col.Lower(a, a.InChannels, x + n * g.InLength, col + s * g.ColLength);
                if (bias == null) continue;
                float* yn = y + n * g.OutLength;
                for (int c = 0; c < a.OutChannels; c++)
                {
                    var row = new Span<float>(yn + (long)c * g.Plane, g.Plane);
                    if (accumulate) TensorPrimitives.Add(row, bias[c], row);
                    else row.Fill(bias[c]);
                }
            }
        }
    }

    private readonly struct Col2ImJob(ConvGeometry g, float* col, float* dx, int n0) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long s = start; s < end; s++)
                Im2Col.Raise(g.Args, g.Args.InChannels, col + s * g.ColLength, dx + (n0 + s) * g.InLength);
        }
    }

    /// <summary>Per image of the chunk: its columns, and its Σ dy per channel into the slot's partial dbias.</summary>
    private readonly struct WeightPrepJob(ConvGeometry g, float* x, float* dy, float* col, float* partialBias, int n0) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            var a = g.Args;
            for (long s = start; s < end; s++)
            {
                long n = n0 + s;
                if (col != null) Im2Col.Lower(a, a.InChannels, x + n * g.InLength, col + s * g.ColLength);
                if (partialBias == null) continue;
                float* dyn = dy + n * g.OutLength, pb = partialBias + s * a.OutChannels;
                for (int c = 0; c < a.OutChannels; c++)
                    pb[c] += TensorPrimitives.Sum(new ReadOnlySpan<float>(dyn + (long)c * g.Plane, g.Plane));
            }
        }
    }

    private readonly struct BiasRowsJob(float* bias, float* y, int channels, int spatial) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                var row = new Span<float>(y + r * spatial, spatial);
                TensorPrimitives.Add(row, bias[r % channels], row);
            }
        }
    }

    private readonly struct BiasGradJob(float* dy, float* dbias, int batch, int channels, int spatial) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long c = start; c < end; c++)
            {
                double sum = 0;
                for (int n = 0; n < batch; n++)
                    sum += TensorPrimitives.Sum(new ReadOnlySpan<float>(dy + ((long)n * channels + c) * spatial, spatial));
                dbias[c] += (float)sum;
            }
        }
    }
}
