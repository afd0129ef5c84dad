using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

// Reductions: ReduceSum over the middle axis of [outer, mid, inner], row-wise softmax and log-softmax.
public sealed unsafe partial class CpuKernels
{
    public void ReduceSum(int outer, int mid, int inner, DeviceBuffer x, DeviceBuffer y, float alpha = 1f, bool accumulate = false)
    {
        NonNegative(outer, nameof(outer));
        NonNegative(mid, nameof(mid));
        NonNegative(inner, nameof(inner));
        long ny = (long)outer * inner;
        if (ny == 0) return;
        float* px = F(x, ny * mid, nameof(x)), py = F(y, ny, nameof(y));
        if (inner == 1)
        {
            CpuParallel.For(outer, new RowSumJob(px, py, mid, alpha, accumulate), Math.Max(1, CpuParallel.Cheap / Math.Max(1, mid)));
            return;
        }
        // Column sums: tiles of ≤ Tile columns, each summed down the mid axis in a stack tile, so
        // every x row segment is read once, contiguously.
        int tiles = (inner + Tile - 1) / Tile;
        long work = (long)Math.Min(inner, Tile) * Math.Max(1, mid);
        CpuParallel.For((long)outer * tiles, new ColumnSumJob(px, py, mid, inner, tiles, alpha, accumulate), Math.Max(1, CpuParallel.Cheap / work));
    }

    public void Softmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y, bool log)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(cols, nameof(cols));
        if (rows == 0 || cols == 0) return;
        long n = (long)rows * cols;
        CpuParallel.For(rows, new SoftmaxJob(F(x, n, nameof(x)), F(y, n, nameof(y)), cols, log), Math.Max(1, CpuParallel.Cheap / 4 / cols));
    }

    public void SoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, bool log)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(cols, nameof(cols));
        if (rows == 0 || cols == 0) return;
        long n = (long)rows * cols;
        CpuParallel.For(rows, new SoftmaxBackwardJob(F(y, n, nameof(y)), F(dy, n, nameof(dy)), F(dx, n, nameof(dx)), cols, log),
            Math.Max(1, CpuParallel.Cheap / 4 / cols));
    }

    private readonly struct RowSumJob(float* x, float* y, int mid, float alpha, bool accumulate) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long o = start; o < end; o++)
            {
                float s = alpha * TensorPrimitives.Sum(new ReadOnlySpan<float>(x + o * mid, mid));
                y[o] = accumulate ? y[o] + s : s;
            }
        }
    }

    private readonly struct ColumnSumJob(float* x, float* y, int mid, int inner, int tiles, float alpha, bool accumulate) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            Span<float> sum = stackalloc float[Tile];
            for (long task = start; task < end; task++)
            {
                long o = task / tiles;
                int c0 = (int)(task % tiles) * Tile, len = Math.Min(Tile, inner - c0);
                var acc = sum[..len];
                float* column = x + o * mid * inner + c0;
                if (mid == 0) acc.Clear();
                else new ReadOnlySpan<float>(column, len).CopyTo(acc);
                for (int m = 1; m < mid; m++) TensorPrimitives.Add(acc, new ReadOnlySpan<float>(column + (long)m * inner, len), acc);
                var ys = new Span<float>(y + o * inner + c0, len);
                if (accumulate) TensorPrimitives.MultiplyAdd(acc, alpha, ys, ys);
                else TensorPrimitives.Multiply(acc, alpha, ys);
            }
        }
    }

    /// <summary>
    /// softmax(x)ⱼ = e^{xⱼ−m}/Σₖe^{xₖ−m} and log-softmax(x)ⱼ = xⱼ − m − ln Σₖe^{xₖ−m}, m = maxₖ xₖ
    /// (subtracting the max keeps every exponent ≤ 0, so nothing overflows).
    /// </summary>
    private readonly struct SoftmaxJob(float* x, float* y, int cols, bool log) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            Span<float> tile = stackalloc float[Tile];
            for (long r = start; r < end; r++)
            {
                var xs = new ReadOnlySpan<float>(x + r * cols, cols);
                var ys = new Span<float>(y + r * cols, cols);
                float max = TensorPrimitives.Max(xs);
                if (log)
                {
                    // x may alias y, so the exponentials go through a tile, not through y.
                    float shift = max + MathF.Log(SumExp(xs, max, tile));
                    TensorPrimitives.Subtract(xs, shift, ys);
                }
                else
                {
                    TensorPrimitives.Subtract(xs, max, ys);
                    TensorPrimitives.Exp(ys, ys);
                    TensorPrimitives.Multiply(ys, 1f / TensorPrimitives.Sum(ys), ys);
                }
            }
        }
    }

    /// <summary>Σⱼ e^{xⱼ − max} through a stack tile, accumulated in double across tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float SumExp(ReadOnlySpan<float> x, float max, Span<float> tile)
    {
        double sum = 0;
        for (int start = 0; start < x.Length; start += tile.Length)
        {
            int len = Math.Min(tile.Length, x.Length - start);
            var t = tile[..len];
            TensorPrimitives.Subtract(x.Slice(start, len), max, t);
            TensorPrimitives.Exp(t, t);
            sum += TensorPrimitives.Sum(t);
        }
        return (float)sum;
    }

    /// <summary>
    /// Softmax: dx += y ⊙ (dy − ⟨dy, y⟩) (the Jacobian diag(y) − yyᵀ is symmetric).
    /// Log-softmax: dx += dy − softmax·Σdy, with softmax = e^y.
    /// </summary>
    private readonly struct SoftmaxBackwardJob(float* y, float* dy, float* dx, int cols, bool log) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            Span<float> tile = stackalloc float[Tile];
            for (long r = start; r < end; r++)
            {
                float* yr = y + r * cols, dyr = dy + r * cols, dxr = dx + r * cols;
                float s = log ? TensorPrimitives.Sum(new ReadOnlySpan<float>(dyr, cols)) : TensorPrimitives.Dot(new ReadOnlySpan<float>(dyr, cols), new ReadOnlySpan<float>(yr, cols));
                for (int c0 = 0; c0 < cols; c0 += Tile)
                {
                    int len = Math.Min(Tile, cols - c0);
                    var t = tile[..len];
                    var ys = new ReadOnlySpan<float>(yr + c0, len);
                    var dys = new ReadOnlySpan<float>(dyr + c0, len);
                    var dxs = new Span<float>(dxr + c0, len);
                    if (log)
                    {
                        TensorPrimitives.Exp(ys, t);
                        TensorPrimitives.MultiplyAdd(t, -s, dys, t);
                    }
                    else
                    {
                        TensorPrimitives.Subtract(dys, s, t);
                        TensorPrimitives.Multiply(t, ys, t);
                    }
                    TensorPrimitives.Add(dxs, t, dxs);
                }
            }
        }
    }
}
