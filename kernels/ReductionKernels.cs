using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// Reductions: sums and the row softmax. Row kernels give each row to one group (a group walks rows
/// Grid.IdxX, + Grid.DimX, …); within it every thread sums its stride with Kahan compensation and the
/// group adds the partial sums pairwise in shared memory, so a float32 sum of 10⁵ terms stays within a
/// few ulps of Σ|terms| (the CPU twin sums in SIMD lanes; both are held to the float64 reference).
/// </summary>
public static class ReductionKernels
{
    /// <summary>inner == 1: y[o] = alpha·Σ_m x[o, m] (+ y[o]); one group per row o.</summary>
    public static void SumRows(int outer, int mid, ArrayView<float> x, ArrayView<float> y, float alpha, int accumulate)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX;
        for (int o = Grid.IdxX; o < outer; o += Grid.DimX)
        {
            long row = (long)o * mid;
            var k = new Kahan();
            for (int m = lid; m < mid; m += Group.DimX) k.Add(x[row + m]);
            float s = alpha * DeviceMath.GroupSum(part, k.Sum);
            if (lid == 0) y[o] = accumulate != 0 ? y[o] + s : s;
        }
    }

    /// <summary>y[o, i] = alpha·Σ_m x[o, m, i] (+ y[o, i]); one thread per output.</summary>
    public static void SumColumns(int outer, int mid, int inner, ArrayView<float> x, ArrayView<float> y, float alpha, int accumulate)
    {
        int n = outer * inner;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int o = k / inner, i = k - o * inner;
            long column = (long)o * mid * inner + i;
            var sum = new Kahan();
            for (int m = 0; m < mid; m++) sum.Add(x[column + (long)m * inner]);
            float s = alpha * sum.Sum;
            y[k] = accumulate != 0 ? y[k] + s : s;
        }
    }

    /// <summary>
    /// softmax(x)ⱼ = e^{xⱼ−m}/Σₖe^{xₖ−m}, log-softmax(x)ⱼ = xⱼ − m − ln Σₖe^{xₖ−m}, m = maxₖ xₖ (every
    /// exponent ≤ 0, so nothing overflows). One group per row; x may alias y (each element is read for the
    /// last time by the thread that writes it, after the row's max and sum are known).
    /// </summary>
    public static void Softmax(int rows, int cols, ArrayView<float> x, ArrayView<float> y, int logSoftmax)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX;
        for (int r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            long b = (long)r * cols;
            float m = DeviceMath.NegativeInfinity;
            for (int c = lid; c < cols; c += Group.DimX) m = MathF.Max(m, x[b + c]);
            m = DeviceMath.GroupMax(part, m);
            var k = new Kahan();
            for (int c = lid; c < cols; c += Group.DimX) k.Add(MathF.Exp(x[b + c] - m));
            float sum = DeviceMath.GroupSum(part, k.Sum);
            if (logSoftmax != 0)
            {
                float shift = m + MathF.Log(sum);
                for (int c = lid; c < cols; c += Group.DimX) y[b + c] = x[b + c] - shift;
            }
            else
            {
                float inv = 1f / sum;
                for (int c = lid; c < cols; c += Group.DimX) y[b + c] = MathF.Exp(x[b + c] - m) * inv;
            }
        }
    }

    /// <summary>
    /// Softmax: dx += y ⊙ (dy − ⟨dy, y⟩) (the Jacobian diag(y) − yyᵀ is symmetric).
    /// Log-softmax: dx += dy − e^y·Σdy (e^y is the softmax). One group per row.
    /// </summary>
    public static void SoftmaxBackward(int rows, int cols, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int logSoftmax)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX;
        for (int r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            long b = (long)r * cols;
            var k = new Kahan();
            for (int c = lid; c < cols; c += Group.DimX) k.Add(logSoftmax != 0 ? dy[b + c] : dy[b + c] * y[b + c]);
            float s = DeviceMath.GroupSum(part, k.Sum);
            for (int c = lid; c < cols; c += Group.DimX)
            {
                long i = b + c;
                dx[i] += logSoftmax != 0 ? MathF.FusedMultiplyAdd(-s, MathF.Exp(y[i]), dy[i]) : y[i] * (dy[i] - s);
            }
        }
    }
}
