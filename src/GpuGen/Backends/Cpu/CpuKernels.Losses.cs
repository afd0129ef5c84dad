using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

// Losses. Each per-element term is computed with SIMD into a stack tile, the tile summed in float
// (≤ 1024 terms, spread over the SIMD lanes), and the tiles added in double, so the error does not
// grow with n. Backward kernels read dLoss[0] from the device buffer (no host round trip).
public sealed unsafe partial class CpuKernels
{
    public void MseLoss(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer loss, float scale)
    {
        NonNegative(n, nameof(n));
        double sum = CpuParallel.Sum(n, new TermSumJob<MseTerm>(F(pred, n, nameof(pred)), F(target, n, nameof(target))));
        *F(loss, 1, nameof(loss)) = (float)(scale * sum);
    }

    public void MseLossBackward(long n, DeviceBuffer pred, DeviceBuffer target, DeviceBuffer dLoss, DeviceBuffer dPred, float scale)
    {
        NonNegative(n, nameof(n));
        float c = 2f * scale * *F(dLoss, 1, nameof(dLoss));
        CpuParallel.For(n, new TermGradJob<DiffTerm>(F(pred, n, nameof(pred)), F(target, n, nameof(target)), F(dPred, n, nameof(dPred)), c));
    }

    public void BceWithLogitsLoss(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer loss, float scale)
    {
        NonNegative(n, nameof(n));
        double sum = CpuParallel.Sum(n, new TermSumJob<BceTerm>(F(logits, n, nameof(logits)), F(targets, n, nameof(targets))), CpuParallel.Cheap / 4);
        *F(loss, 1, nameof(loss)) = (float)(scale * sum);
    }

    public void BceWithLogitsLossBackward(long n, DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale)
    {
        NonNegative(n, nameof(n));
        float c = scale * *F(dLoss, 1, nameof(dLoss));
        CpuParallel.For(n, new TermGradJob<BceGradTerm>(F(logits, n, nameof(logits)), F(targets, n, nameof(targets)), F(dLogits, n, nameof(dLogits)), c), CpuParallel.Cheap / 4);
    }

    public void SoftmaxCrossEntropy(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, float scale)
    {
        CrossEntropyArgs(rows, cols, logits, labels, out float* x, out int* l);
        double sum = CpuParallel.Sum(rows, new CrossEntropyJob(x, l, cols), Math.Max(1, CpuParallel.Cheap / 4 / Math.Max(1, cols)));
        *F(loss, 1, nameof(loss)) = (float)(scale * sum);
    }

    public void SoftmaxCrossEntropyBackward(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dLoss, DeviceBuffer dLogits, float scale)
    {
        CrossEntropyArgs(rows, cols, logits, labels, out float* x, out int* l);
        float c = scale * *F(dLoss, 1, nameof(dLoss));
        CpuParallel.For(rows, new CrossEntropyBackwardJob(x, l, F(dLogits, (long)rows * cols, nameof(dLogits)), cols, c),
            Math.Max(1, CpuParallel.Cheap / 4 / Math.Max(1, cols)));
    }

    public void GaussianKl(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer loss, float scale)
    {
        NonNegative(n, nameof(n));
        double sum = CpuParallel.Sum(n, new TermSumJob<KlTerm>(F(mu, n, nameof(mu)), F(logvar, n, nameof(logvar))));
        *F(loss, 1, nameof(loss)) = (float)(scale * sum);
    }

    public void GaussianKlBackward(long n, DeviceBuffer mu, DeviceBuffer logvar, DeviceBuffer dLoss, DeviceBuffer dMu, DeviceBuffer dLogvar, float scale)
    {
        NonNegative(n, nameof(n));
        float c = scale * *F(dLoss, 1, nameof(dLoss));
        float* m = F(mu, n, nameof(mu)), lv = F(logvar, n, nameof(logvar));
        CpuParallel.For(n, new TermGradJob<FirstTerm>(m, m, F(dMu, n, nameof(dMu)), c));
        CpuParallel.For(n, new TermGradJob<KlLogvarGradTerm>(lv, lv, F(dLogvar, n, nameof(dLogvar)), c));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CrossEntropyArgs(int rows, int cols, DeviceBuffer logits, DeviceBuffer labels, out float* x, out int* l)
    {
        NonNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, rows == 0 ? 0 : 1, nameof(cols));
        x = F(logits, (long)rows * cols, nameof(logits));
        l = I(labels, rows, nameof(labels));
        for (int r = 0; r < rows; r++)
            if ((uint)l[r] >= (uint)cols)
                throw new ArgumentOutOfRangeException(nameof(labels), l[r], $"label of row {r} is outside [0, {cols})");
    }

    /// <summary>Σ over [start, end) of TTerm(a, b), tile by tile.</summary>
    private readonly struct TermSumJob<TTerm>(float* a, float* b) : IRangeSum where TTerm : IBinaryFn
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double Run(long start, long end)
        {
            float* tile = stackalloc float[Tile];
            double sum = 0;
            for (long t0 = start; t0 < end; t0 += Tile)
            {
                int len = (int)Math.Min(Tile, end - t0);
                long i = Simd.Wide ? TermBody<V512, TTerm>(0, len, a + t0, b + t0, tile) : TermBody<V256, TTerm>(0, len, a + t0, b + t0, tile);
                TermBody<S1, TTerm>(i, len, a + t0, b + t0, tile);
                sum += TensorPrimitives.Sum(new ReadOnlySpan<float>(tile, len));
            }
            return sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TermBody<T, TTerm>(long i, long n, float* a, float* b, float* dst) where T : unmanaged, IVec<T> where TTerm : IBinaryFn
    {
        for (; i <= n - T.Count; i += T.Count) TTerm.F(T.Load(a + i), T.Load(b + i)).Store(dst + i);
        return i;
    }

    /// <summary>d += c·TTerm(a, b).</summary>
    private readonly struct TermGradJob<TTerm>(float* a, float* b, float* d, float c) : IRangeKernel where TTerm : IBinaryFn
    {
        public void Run(long start, long end)
        {
            long n = end - start;
            long i = Simd.Wide ? TermGradBody<V512, TTerm>(0, n, a + start, b + start, d + start, c) : TermGradBody<V256, TTerm>(0, n, a + start, b + start, d + start, c);
            TermGradBody<S1, TTerm>(i, n, a + start, b + start, d + start, c);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TermGradBody<T, TTerm>(long i, long n, float* a, float* b, float* d, float c) where T : unmanaged, IVec<T> where TTerm : IBinaryFn
    {
        T vc = T.Splat(c);
        for (; i <= n - T.Count; i += T.Count) T.MulAdd(vc, TTerm.F(T.Load(a + i), T.Load(b + i)), T.Load(d + i)).Store(d + i);
        return i;
    }

    /// <summary>(p − t)².</summary>
    private readonly struct MseTerm : IBinaryFn
    {
        public static TV F<TV>(TV p, TV t) where TV : unmanaged, IVec<TV>
        {
            TV d = p - t;
            return d * d;
        }
    }

    /// <summary>p − t (the MSE gradient without its factor 2, which is folded into c).</summary>
    private readonly struct DiffTerm : IBinaryFn
    {
        public static TV F<TV>(TV p, TV t) where TV : unmanaged, IVec<TV> => p - t;
    }

    /// <summary>
    /// max(x, 0) − x·z + ln(1 + e^{−|x|}). ln(1 + u) for small u uses Goldberg's correction
    /// ln(w)·u/(w − 1), w = 1 + u (exact when w rounds to 1, where ln(1 + u) = u to float precision),
    /// since a plain ln(1 + u) loses u below 2⁻²⁴.
    /// </summary>
    private readonly struct BceTerm : IBinaryFn
    {
        public static TV F<TV>(TV x, TV z) where TV : unmanaged, IVec<TV>
        {
            TV u = TV.Exp(-TV.Abs(x));
            TV w = TV.Splat(1f) + u;
            TV log1p = TV.Select(TV.Equal(w, TV.Splat(1f)), u, TV.Log(w) * (u / (w - TV.Splat(1f))));
            return TV.Max(x, TV.Splat(0f)) - x * z + log1p;
        }
    }

    /// <summary>σ(x) − z.</summary>
    private readonly struct BceGradTerm : IBinaryFn
    {
        public static TV F<TV>(TV x, TV z) where TV : unmanaged, IVec<TV> => SigmoidFn.F(x, x) - z;
    }

    /// <summary>−½(1 + lv − μ² − e^lv) (Kingma &amp; Welling 2014, App. B).</summary>
    private readonly struct KlTerm : IBinaryFn
    {
        public static TV F<TV>(TV mu, TV lv) where TV : unmanaged, IVec<TV> =>
            TV.Splat(-0.5f) * (TV.Splat(1f) + lv - mu * mu - TV.Exp(lv));
    }

    private readonly struct FirstTerm : IBinaryFn
    {
        public static TV F<TV>(TV a, TV b) where TV : unmanaged, IVec<TV> => a;
    }

    /// <summary>∂KL/∂lv = ½(e^lv − 1).</summary>
    private readonly struct KlLogvarGradTerm : IBinaryFn
    {
        public static TV F<TV>(TV lv, TV unused) where TV : unmanaged, IVec<TV> => TV.Splat(0.5f) * (TV.Exp(lv) - TV.Splat(1f));
    }

    /// <summary>Σ_r [m + ln Σⱼ e^{xⱼ−m} − x_label], m the row max (log-sum-exp, stable).</summary>
    private readonly struct CrossEntropyJob(float* x, int* labels, int cols) : IRangeSum
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public double Run(long start, long end)
        {
            Span<float> tile = stackalloc float[Tile];
            double sum = 0;
            for (long r = start; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(x + r * cols, cols);
                float max = TensorPrimitives.Max(row);
                sum += max + Math.Log(SumExp(row, max, tile)) - row[labels[r]];
            }
            return sum;
        }
    }

    /// <summary>dx[r] += c·(softmax(x[r]) − onehot(label)).</summary>
    private readonly struct CrossEntropyBackwardJob(float* x, int* labels, float* dx, int cols, float c) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            Span<float> tile = stackalloc float[Tile];
            for (long r = start; r < end; r++)
            {
                var row = new ReadOnlySpan<float>(x + r * cols, cols);
                float max = TensorPrimitives.Max(row);
                float k = c / SumExp(row, max, tile);
                for (int c0 = 0; c0 < cols; c0 += Tile)
                {
                    int len = Math.Min(Tile, cols - c0);
                    var t = tile[..len];
                    var d = new Span<float>(dx + r * cols + c0, len);
                    TensorPrimitives.Subtract(row.Slice(c0, len), max, t);
                    TensorPrimitives.Exp(t, t);
                    TensorPrimitives.MultiplyAdd(t, k, d, d);
                }
                dx[r * cols + labels[r]] -= c;
            }
        }
    }
}
