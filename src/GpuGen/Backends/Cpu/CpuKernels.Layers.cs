using GpuGen.Random;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

// Layer kernels without statistics: 2×2 average pooling, nearest ×2 upsampling, embedding
// gather/scatter-add and Philox dropout. Pooling and upsampling go one output (or input) row per
// index, so a part of a parallel launch never writes where another part does.
public sealed unsafe partial class CpuKernels
{
    public void AvgPool2x2(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y)
    {
        var (ho, wo) = PoolSizes(planes, height, width);
        long rows = (long)planes * ho;
        if (rows == 0 || wo == 0) return;
        var job = new PoolJob(F(x, (long)planes * height * width, nameof(x)), F(y, rows * wo, nameof(y)), height, width, ho, wo);
        CpuParallel.For(rows, job, Math.Max(1, CpuParallel.Cheap / (4L * wo)));
    }

    public void AvgPool2x2Backward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx)
    {
        var (ho, wo) = PoolSizes(planes, height, width);
        long rows = (long)planes * ho;
        if (rows == 0 || wo == 0) return;
        var job = new PoolBackwardJob(F(dy, rows * wo, nameof(dy)), F(dx, (long)planes * height * width, nameof(dx)), height, width, ho, wo);
        CpuParallel.For(rows, job, Math.Max(1, CpuParallel.Cheap / (4L * wo)));
    }

    public void UpsampleNearest2x(int planes, int height, int width, DeviceBuffer x, DeviceBuffer y)
    {
        long rows = UpsampleRows(planes, height, width);
        if (rows == 0 || width == 0) return;
        var job = new UpsampleJob(F(x, rows * width, nameof(x)), F(y, rows * width * 4, nameof(y)), width);
        CpuParallel.For(rows, job, Math.Max(1, CpuParallel.Cheap / (4L * width)));
    }

    public void UpsampleNearest2xBackward(int planes, int height, int width, DeviceBuffer dy, DeviceBuffer dx, bool accumulate = true)
    {
        long rows = UpsampleRows(planes, height, width);
        if (rows == 0 || width == 0) return;
        var job = new UpsampleBackwardJob(F(dy, rows * width * 4, nameof(dy)), F(dx, rows * width, nameof(dx)), width, accumulate);
        CpuParallel.For(rows, job, Math.Max(1, CpuParallel.Cheap / (4L * width)));
    }

    public void EmbeddingForward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer table, DeviceBuffer y)
    {
        int* idx = EmbeddingIndices(rows, vocab, dim, indices);
        if (rows == 0 || dim == 0) return;
        var job = new GatherJob(idx, F(table, (long)vocab * dim, nameof(table)), F(y, (long)rows * dim, nameof(y)), dim);
        CpuParallel.For(rows, job, Math.Max(1, CpuParallel.Cheap / dim));
    }

    public void EmbeddingBackward(int rows, int vocab, int dim, DeviceBuffer indices, DeviceBuffer dy, DeviceBuffer dTable)
    {
        int* idx = EmbeddingIndices(rows, vocab, dim, indices);
        if (rows == 0 || dim == 0) return;
        // Parts own column tiles, not rows: two rows with the same index never race, and every
        // element of the table sums its rows in row order whatever the split.
        int tiles = (dim + Tile - 1) / Tile;
        var job = new ScatterAddJob(idx, F(dy, (long)rows * dim, nameof(dy)), F(dTable, (long)vocab * dim, nameof(dTable)), rows, dim);
        CpuParallel.For(tiles, job, Math.Max(1, CpuParallel.Cheap / ((long)rows * Math.Min(dim, Tile))));
    }

    public void DropoutForward(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer x, DeviceBuffer y)
    {
        NonNegative(n, nameof(n));
        DropRate(p);
        CpuParallel.For(n, new DropoutJob(F(x, n, nameof(x)), F(y, n, nameof(y)), p, seed, stream, offset, false), CpuParallel.Heavy);
    }

    public void DropoutBackward(long n, float p, ulong seed, ulong stream, ulong offset, DeviceBuffer dy, DeviceBuffer dx)
    {
        NonNegative(n, nameof(n));
        DropRate(p);
        CpuParallel.For(n, new DropoutJob(F(dy, n, nameof(dy)), F(dx, n, nameof(dx)), p, seed, stream, offset, true), CpuParallel.Heavy);
    }

    private static (int Ho, int Wo) PoolSizes(int planes, int height, int width)
    {
        NonNegative(planes, nameof(planes));
        NonNegative(height, nameof(height));
        NonNegative(width, nameof(width));
        return (height / 2, width / 2);
    }

    private static long UpsampleRows(int planes, int height, int width)
    {
        NonNegative(planes, nameof(planes));
        NonNegative(height, nameof(height));
        NonNegative(width, nameof(width));
        return (long)planes * height;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int* EmbeddingIndices(int rows, int vocab, int dim, DeviceBuffer indices)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(vocab, nameof(vocab));
        NonNegative(dim, nameof(dim));
        int* idx = I(indices, rows, nameof(indices));
        for (int r = 0; r < rows; r++)
            if ((uint)idx[r] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(indices), idx[r], $"index of row {r} is outside the table [0, {vocab})");
        return idx;
    }

    private static void DropRate(float p)
    {
        if (!(p >= 0f && p <= 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "the dropout probability must lie in [0, 1]");
    }

    /// <summary>One output row per index: the mean of two input rows' pairs.</summary>
    private readonly struct PoolJob(float* x, float* y, int height, int width, int ho, int wo) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                long p = r / ho, i = r % ho;
                float* a = x + (p * height + 2 * i) * width, b = a + width, o = y + r * wo;
                for (int j = 0; j < wo; j++) o[j] = 0.25f * ((a[2 * j] + a[2 * j + 1]) + (b[2 * j] + b[2 * j + 1]));
            }
        }
    }

    private readonly struct PoolBackwardJob(float* dy, float* dx, int height, int width, int ho, int wo) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                long p = r / ho, i = r % ho;
                float* a = dx + (p * height + 2 * i) * width, b = a + width, g = dy + r * wo;
                for (int j = 0; j < wo; j++)
                {
                    float q = 0.25f * g[j];
                    a[2 * j] += q;
                    a[2 * j + 1] += q;
                    b[2 * j] += q;
                    b[2 * j + 1] += q;
                }
            }
        }
    }

    /// <summary>One input row per index: widened into output row 2i, which is then copied to row 2i + 1.</summary>
    private readonly struct UpsampleJob(float* x, float* y, int width) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                float* s = x + r * width, o = y + r * 4 * width;
                for (int j = 0; j < width; j++) o[2 * j] = o[2 * j + 1] = s[j];
                new ReadOnlySpan<float>(o, 2 * width).CopyTo(new Span<float>(o + 2 * width, 2 * width));
            }
        }
    }

    private readonly struct UpsampleBackwardJob(float* dy, float* dx, int width, bool accumulate) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                float* a = dy + r * 4 * width, b = a + 2 * width, d = dx + r * width;
                if (accumulate) for (int j = 0; j < width; j++) d[j] += (a[2 * j] + a[2 * j + 1]) + (b[2 * j] + b[2 * j + 1]);
                else for (int j = 0; j < width; j++) d[j] = (a[2 * j] + a[2 * j + 1]) + (b[2 * j] + b[2 * j + 1]);
            }
        }
    }

    private readonly struct GatherJob(int* indices, float* table, float* y, int dim) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
                new ReadOnlySpan<float>(table + (long)indices[r] * dim, dim).CopyTo(new Span<float>(y + r * dim, dim));
        }
    }

    private readonly struct ScatterAddJob(int* indices, float* dy, float* dTable, int rows, int dim) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long t = start; t < end; t++)
            {
                int c0 = (int)t * Tile, len = Math.Min(Tile, dim - c0);
                for (int r = 0; r < rows; r++)
                {
                    var target = new Span<float>(dTable + (long)indices[r] * dim + c0, len);
                    TensorPrimitives.Add(target, new ReadOnlySpan<float>(dy + (long)r * dim + c0, len), target);
                }
            }
        }
    }

    /// <summary>
    /// Forward: y = keep ? x·scale : 0. Backward (accumulate): dx += keep ? dy·scale : 0. keep = u ≥ p
    /// for the Philox uniform of element offset + i; p = 1 keeps nothing (u &lt; 1 always).
    /// </summary>
    private readonly struct DropoutJob(float* x, float* y, float p, ulong seed, ulong stream, ulong offset, bool accumulate) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            uint* w = stackalloc uint[4];
            float scale = p < 1f ? 1f / (1f - p) : 0f;
            for (long i = start; i < end;)
            {
                ulong e = offset + (ulong)i;
                (w[0], w[1], w[2], w[3]) = Philox.Block(seed, stream, e / 4);
                for (int lane = (int)(e % 4); lane < 4 && i < end; lane++, i++)
                {
                    float v = Philox.Uniform(w[lane]) >= p ? x[i] * scale : 0f;
                    y[i] = accumulate ? y[i] + v : v;
                }
            }
        }
    }
}
