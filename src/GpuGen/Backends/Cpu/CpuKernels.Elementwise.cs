using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

// Element-wise kernels: Fill, Axpby, Unary (+ backward), Binary, Copy2d. Each op is a struct with a
// static generic function over a SIMD register (see Simd.cs), so one loop body serves AVX-512, AVX2
// and the scalar tail, and the op is inlined into the loop.
public sealed unsafe partial class CpuKernels
{
    public void Fill(long n, float value, DeviceBuffer x)
    {
        NonNegative(n, nameof(n));
        CpuParallel.For(n, new FillJob(F(x, n, nameof(x)), value));
    }

    public void Axpby(long n, float alpha, DeviceBuffer x, float beta, DeviceBuffer y)
    {
        NonNegative(n, nameof(n));
        CpuParallel.For(n, new AxpbyJob(F(x, n, nameof(x)), F(y, n, nameof(y)), alpha, beta));
    }

    public void Unary(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, float param = 0f, bool accumulate = false)
    {
        NonNegative(n, nameof(n));
        CpuParallel.For(n, new UnaryJob(op, F(x, n, nameof(x)), F(y, n, nameof(y)), param, accumulate));
    }

    public void UnaryBackward(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, float param = 0f, bool accumulate = true)
    {
        NonNegative(n, nameof(n));
        CpuParallel.For(n, new UnaryBackwardJob(op, F(x, n, nameof(x)), F(y, n, nameof(y)), F(dy, n, nameof(dy)), F(dx, n, nameof(dx)), param, accumulate));
    }

    public void Binary(BinaryOp op, int rows, int cols, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer y, bool accumulate = false)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(cols, nameof(cols));
        long n = (long)rows * cols;
        long bLength = broadcast switch
        {
            Broadcast.None => n,
            Broadcast.Row => cols,
            Broadcast.Column => rows,
            Broadcast.Scalar => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(broadcast), broadcast, "unknown broadcast"),
        };
        if (n == 0) return;
        var job = new BinaryJob(op, broadcast, cols, F(a, n, nameof(a)), F(b, bLength, nameof(b)), F(y, n, nameof(y)), accumulate);
        // Row and Column broadcasts go row by row; None and Scalar are one flat range.
        if (broadcast is Broadcast.Row or Broadcast.Column) CpuParallel.For(rows, job, Math.Max(1, CpuParallel.Cheap / Math.Max(1, cols)));
        else CpuParallel.For(n, job);
    }

    public void Copy2d(int rows, int cols, DeviceBuffer src, long srcOffset, int srcStride,
        DeviceBuffer dst, long dstOffset, int dstStride, bool accumulate = false)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(cols, nameof(cols));
        NonNegative(srcOffset, nameof(srcOffset));
        NonNegative(dstOffset, nameof(dstOffset));
        if (rows == 0 || cols == 0) return;
        // Source rows may overlap (stride 0 repeats one row: a broadcast); destination rows may not.
        NonNegative(srcStride, nameof(srcStride));
        if (dstStride < cols && rows > 1) throw new ArgumentOutOfRangeException(nameof(dstStride), dstStride, $"rows of {cols} elements overlap");
        float* s = F(src, srcOffset + (long)(rows - 1) * srcStride + cols, nameof(src)) + srcOffset;
        float* d = F(dst, dstOffset + (long)(rows - 1) * dstStride + cols, nameof(dst)) + dstOffset;
        CpuParallel.For(rows, new Copy2dJob(s, srcStride, d, dstStride, cols, accumulate), Math.Max(1, CpuParallel.Cheap / cols));
    }

    // ---- jobs: one range of one launch ----------------------------------------------------------------

    private readonly struct FillJob(float* x, float value) : IRangeKernel
    {
        public void Run(long start, long end) => new Span<float>(x + start, (int)(end - start)).Fill(value);
    }

    private readonly struct AxpbyJob(float* x, float* y, float alpha, float beta) : IRangeKernel
    {
        public void Run(long start, long end)
        {
            long n = end - start;
            float* xs = x + start, ys = y + start;
            long i = Simd.Wide ? AxpbyBody<V512>(0, n, xs, ys, alpha, beta) : AxpbyBody<V256>(0, n, xs, ys, alpha, beta);
            AxpbyBody<S1>(i, n, xs, ys, alpha, beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long AxpbyBody<T>(long i, long n, float* x, float* y, float alpha, float beta) where T : unmanaged, IVec<T>
    {
        T a = T.Splat(alpha), b = T.Splat(beta);
        // beta = 0 must not read y (it may hold NaN from the pool).
        if (beta == 0f)
            for (; i <= n - T.Count; i += T.Count) (a * T.Load(x + i)).Store(y + i);
        else
            for (; i <= n - T.Count; i += T.Count) T.MulAdd(a, T.Load(x + i), b * T.Load(y + i)).Store(y + i);
        return i;
    }

    private readonly struct UnaryJob(UnaryOp op, float* x, float* y, float param, bool accumulate) : IRangeKernel
    {
        public void Run(long start, long end)
        {
            float* xs = x + start, ys = y + start;
            long n = end - start;
            switch (op)
            {
                case UnaryOp.Identity: Map<IdentityFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Relu: Map<ReluFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.LeakyRelu: Map<LeakyReluFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Silu: Map<SiluFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Tanh: Tanh(xs, ys, (int)n, accumulate); break;
                case UnaryOp.Sigmoid: Map<SigmoidFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Gelu: Map<GeluFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Exp: Map<ExpFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Log: Map<LogFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Square: Map<SquareFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Neg: Map<NegFn>(xs, ys, n, param, accumulate); break;
                case UnaryOp.Scale: Map<ScaleFn>(xs, ys, n, param, accumulate); break;
                default: throw new ArgumentOutOfRangeException(nameof(op), op, "unknown unary op");
            }
        }
    }

    private static void Map<TOp>(float* x, float* y, long n, float param, bool accumulate) where TOp : IUnaryFn
    {
        long i = Simd.Wide ? MapBody<V512, TOp>(0, n, x, y, param, accumulate) : MapBody<V256, TOp>(0, n, x, y, param, accumulate);
        MapBody<S1, TOp>(i, n, x, y, param, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long MapBody<T, TOp>(long i, long n, float* x, float* y, float param, bool accumulate)
        where T : unmanaged, IVec<T> where TOp : IUnaryFn
    {
        T p = T.Splat(param);
        if (accumulate)
            for (; i <= n - T.Count; i += T.Count) (T.Load(y + i) + TOp.F(T.Load(x + i), p)).Store(y + i);
        else
            for (; i <= n - T.Count; i += T.Count) TOp.F(T.Load(x + i), p).Store(y + i);
        return i;
    }

    /// <summary>tanh through TensorPrimitives (accurate near 0, where 1 − 2/(e^{2x}+1) cancels); tiles through the stack to accumulate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tanh(float* x, float* y, int n, bool accumulate)
    {
        if (!accumulate)
        {
            TensorPrimitives.Tanh(new ReadOnlySpan<float>(x, n), new Span<float>(y, n));
            return;
        }
        Span<float> tile = stackalloc float[Tile];
        for (int start = 0; start < n; start += Tile)
        {
            int len = Math.Min(Tile, n - start);
            TensorPrimitives.Tanh(new ReadOnlySpan<float>(x + start, len), tile[..len]);
            var ys = new Span<float>(y + start, len);
            TensorPrimitives.Add(ys, tile[..len], ys);
        }
    }

    /// <summary>Elements per stack tile (4 KiB of floats, stays in L1).</summary>
    private const int Tile = 1024;

    private readonly struct UnaryBackwardJob(UnaryOp op, float* x, float* y, float* dy, float* dx, float param, bool accumulate) : IRangeKernel
    {
        public void Run(long start, long end)
        {
            float* xs = x + start, ys = y + start, dys = dy + start, dxs = dx + start;
            long n = end - start;
            switch (op)
            {
                case UnaryOp.Identity: Grad<IdentityFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Relu: Grad<ReluFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.LeakyRelu: Grad<LeakyReluFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Silu: Grad<SiluFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Tanh: Grad<TanhFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Sigmoid: Grad<SigmoidFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Gelu: Grad<GeluFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Exp: Grad<ExpFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Log: Grad<LogFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Square: Grad<SquareFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Neg: Grad<NegFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                case UnaryOp.Scale: Grad<ScaleFn>(xs, ys, dys, dxs, n, param, accumulate); break;
                default: throw new ArgumentOutOfRangeException(nameof(op), op, "unknown unary op");
            }
        }
    }

    private static void Grad<TOp>(float* x, float* y, float* dy, float* dx, long n, float param, bool accumulate) where TOp : IUnaryFn
    {
        long i = Simd.Wide ? GradBody<V512, TOp>(0, n, x, y, dy, dx, param, accumulate) : GradBody<V256, TOp>(0, n, x, y, dy, dx, param, accumulate);
        GradBody<S1, TOp>(i, n, x, y, dy, dx, param, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long GradBody<T, TOp>(long i, long n, float* x, float* y, float* dy, float* dx, float param, bool accumulate)
        where T : unmanaged, IVec<T> where TOp : IUnaryFn
    {
        T p = T.Splat(param);
        if (accumulate)
            for (; i <= n - T.Count; i += T.Count)
                T.MulAdd(TOp.D(T.Load(x + i), TOp.UsesOutput ? T.Load(y + i) : p, p), T.Load(dy + i), T.Load(dx + i)).Store(dx + i);
        else
            for (; i <= n - T.Count; i += T.Count)
                (TOp.D(T.Load(x + i), TOp.UsesOutput ? T.Load(y + i) : p, p) * T.Load(dy + i)).Store(dx + i);
        return i;
    }

    private readonly struct BinaryJob(BinaryOp op, Broadcast broadcast, int cols, float* a, float* b, float* y, bool accumulate) : IRangeKernel
    {
        public void Run(long start, long end)
        {
            switch (op)
            {
                case BinaryOp.Add: Run<AddFn>(start, end); break;
                case BinaryOp.Sub: Run<SubFn>(start, end); break;
                case BinaryOp.Mul: Run<MulFn>(start, end); break;
                default: throw new ArgumentOutOfRangeException(nameof(op), op, "unknown binary op");
            }
        }

        /// <summary>None/Scalar: [start, end) are elements; Row/Column: they are rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Run<TOp>(long start, long end) where TOp : IBinaryFn
        {
            switch (broadcast)
            {
                case Broadcast.None: Zip<TOp>(a + start, b + start, y + start, end - start, accumulate); break;
                case Broadcast.Scalar: ZipScalar<TOp>(a + start, *b, y + start, end - start, accumulate); break;
                case Broadcast.Row:
                    for (long r = start; r < end; r++) Zip<TOp>(a + r * cols, b, y + r * cols, cols, accumulate);
                    break;
                default:
                    for (long r = start; r < end; r++) ZipScalar<TOp>(a + r * cols, b[r], y + r * cols, cols, accumulate);
                    break;
            }
        }
    }

    private static void Zip<TOp>(float* a, float* b, float* y, long n, bool accumulate) where TOp : IBinaryFn
    {
        long i = Simd.Wide ? ZipBody<V512, TOp>(0, n, a, b, y, accumulate) : ZipBody<V256, TOp>(0, n, a, b, y, accumulate);
        ZipBody<S1, TOp>(i, n, a, b, y, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long ZipBody<T, TOp>(long i, long n, float* a, float* b, float* y, bool accumulate)
        where T : unmanaged, IVec<T> where TOp : IBinaryFn
    {
        if (accumulate)
            for (; i <= n - T.Count; i += T.Count) (T.Load(y + i) + TOp.F(T.Load(a + i), T.Load(b + i))).Store(y + i);
        else
            for (; i <= n - T.Count; i += T.Count) TOp.F(T.Load(a + i), T.Load(b + i)).Store(y + i);
        return i;
    }

    private static void ZipScalar<TOp>(float* a, float b, float* y, long n, bool accumulate) where TOp : IBinaryFn
    {
        long i = Simd.Wide ? ZipScalarBody<V512, TOp>(0, n, a, b, y, accumulate) : ZipScalarBody<V256, TOp>(0, n, a, b, y, accumulate);
        ZipScalarBody<S1, TOp>(i, n, a, b, y, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long ZipScalarBody<T, TOp>(long i, long n, float* a, float b, float* y, bool accumulate)
        where T : unmanaged, IVec<T> where TOp : IBinaryFn
    {
        T vb = T.Splat(b);
        if (accumulate)
            for (; i <= n - T.Count; i += T.Count) (T.Load(y + i) + TOp.F(T.Load(a + i), vb)).Store(y + i);
        else
            for (; i <= n - T.Count; i += T.Count) TOp.F(T.Load(a + i), vb).Store(y + i);
        return i;
    }

    private readonly struct Copy2dJob(float* src, int srcStride, float* dst, int dstStride, int cols, bool accumulate) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                var s = new ReadOnlySpan<float>(src + r * srcStride, cols);
                var d = new Span<float>(dst + r * dstStride, cols);
                if (accumulate) TensorPrimitives.Add(d, s, d);
                else s.CopyTo(d);
            }
        }
    }
}
