using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

// Coupling transforms (see IKernels.Coupling.cs). Rows are spread over the threads; within a row the
// feature loop runs on SIMD registers with tanh(a) = 2σ(2a) − 1 on the fast σ, and the row's
// log-determinant is summed in the registers' lanes and then across them (Lanes, CpuKernels.Norm).
public sealed unsafe partial class CpuKernels
{
    public void AffineCouplingForward(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer t,
        DeviceBuffer y, DeviceBuffer logdet, bool accumulateLogdet = false)
    {
        long n = CouplingSize(rows, dim);
        var job = new AffineJob(F(x, n, nameof(x)), F(mask, dim, nameof(mask)), F(sRaw, n, nameof(sRaw)), F(t, n, nameof(t)),
            F(y, n, nameof(y)), F(logdet, rows, nameof(logdet)), dim, accumulateLogdet, inverse: false);
        CpuParallel.For(rows, job, RowThreshold(dim));
    }

    public void AffineCouplingInverse(int rows, int dim, DeviceBuffer y, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer t,
        DeviceBuffer x, DeviceBuffer logdet, bool accumulateLogdet = false)
    {
        long n = CouplingSize(rows, dim);
        var job = new AffineJob(F(y, n, nameof(y)), F(mask, dim, nameof(mask)), F(sRaw, n, nameof(sRaw)), F(t, n, nameof(t)),
            F(x, n, nameof(x)), F(logdet, rows, nameof(logdet)), dim, accumulateLogdet, inverse: true);
        CpuParallel.For(rows, job, RowThreshold(dim));
    }

    public void AffineCouplingBackward(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer dy,
        DeviceBuffer? dLogdet, DeviceBuffer? dx, DeviceBuffer? dsRaw, DeviceBuffer? dt, bool accumulate = true)
    {
        long n = CouplingSize(rows, dim);
        var job = new AffineBackwardJob(F(x, n, nameof(x)), F(mask, dim, nameof(mask)), F(sRaw, n, nameof(sRaw)), F(dy, n, nameof(dy)),
            dLogdet is null ? null : F(dLogdet, rows, nameof(dLogdet)),
            dx is null ? null : F(dx, n, nameof(dx)), dsRaw is null ? null : F(dsRaw, n, nameof(dsRaw)), dt is null ? null : F(dt, n, nameof(dt)), dim, accumulate);
        CpuParallel.For(rows, job, RowThreshold(dim));
    }

    public void AdditiveCoupling(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer t, DeviceBuffer y, float sign)
    {
        long n = CouplingSize(rows, dim);
        var job = new AdditiveJob(F(x, n, nameof(x)), F(mask, dim, nameof(mask)), F(t, n, nameof(t)), F(y, n, nameof(y)), dim, sign);
        CpuParallel.For(rows, job, Math.Max(1, CpuParallel.Cheap / Math.Max(1, dim)));
    }

    public void AdditiveCouplingBackward(int rows, int dim, DeviceBuffer mask, DeviceBuffer dy, float sign, DeviceBuffer? dx, DeviceBuffer? dt)
    {
        long n = CouplingSize(rows, dim);
        var job = new AdditiveBackwardJob(F(mask, dim, nameof(mask)), F(dy, n, nameof(dy)), sign,
            dx is null ? null : F(dx, n, nameof(dx)), dt is null ? null : F(dt, n, nameof(dt)), dim);
        CpuParallel.For(rows, job, Math.Max(1, CpuParallel.Cheap / Math.Max(1, dim)));
    }

    public void DequantizeLogit(int rows, int dim, DeviceBuffer v, DeviceBuffer u, float alpha, float levels, DeviceBuffer y, DeviceBuffer logdet)
    {
        long n = CouplingSize(rows, dim);
        if (!(alpha >= 0 && alpha < 0.5f)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be in [0, ½)");
        if (!(levels >= 1)) throw new ArgumentOutOfRangeException(nameof(levels), levels, "the number of levels must be at least 1");
        var job = new LogitJob(F(v, n, nameof(v)), F(u, n, nameof(u)), F(y, n, nameof(y)), F(logdet, rows, nameof(logdet)), dim, alpha, levels);
        CpuParallel.For(rows, job, RowThreshold(dim));
    }

    private static long CouplingSize(int rows, int dim)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(dim, nameof(dim));
        return (long)rows * dim;
    }

    /// <summary>Rows below which a transcendental-heavy row kernel stays on one core.</summary>
    private static long RowThreshold(int dim) => Math.Max(1, CpuParallel.Heavy * 4 / Math.Max(1, dim));

    /// <summary>tanh(a) = 2σ(2a) − 1 (exact in exact arithmetic; a few ulp absolute on the fast σ).</summary>
    private static TV TanhOf<TV>(TV a) where TV : unmanaged, IVec<TV> => TV.Splat(2f) * TV.Sigmoid(a + a) - TV.Splat(1f);

    private readonly struct AffineJob(float* x, float* m, float* sRaw, float* t, float* y, float* logdet, int dim, bool accumulate, bool inverse) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                long o = r * dim;
                float sum = Simd.Wide ? Row<V512>(o, out int i) : Row<V256>(o, out i);
                sum += Tail(o, i);
                float ld = inverse ? -sum : sum;
                logdet[r] = accumulate ? logdet[r] + ld : ld;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private float Row<TV>(long o, out int i) where TV : unmanaged, IVec<TV>
        {
            TV acc = TV.Splat(0f);
            i = 0;
            for (; i <= dim - TV.Count; i += TV.Count) acc += Element<TV>(o, i);
            return (float)Lanes(acc);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private float Tail(long o, int i)
        {
            S1 acc = S1.Splat(0f);
            for (; i < dim; i++) acc += Element<S1>(o, i);
            return (float)Lanes(acc);
        }

        /// <summary>Writes y (or x for the inverse) at [o + i, +Count) and returns s there.</summary>
        private TV Element<TV>(long o, int i) where TV : unmanaged, IVec<TV>
        {
            TV keep = TV.Load(m + i), free = TV.Splat(1f) - keep;
            TV s = TanhOf(TV.Load(sRaw + o + i)) * free;
            TV xv = TV.Load(x + o + i), tv = TV.Load(t + o + i);
            TV outv = inverse
                ? xv * keep + free * (xv - tv) * TV.Exp(-s)
                : xv * keep + free * TV.MulAdd(xv, TV.Exp(s), tv);
            outv.Store(y + o + i);
            return s;
        }
    }

    private readonly struct AffineBackwardJob(float* x, float* m, float* sRaw, float* dy, float* dLogdet, float* dx, float* dsRaw, float* dt, int dim, bool accumulate) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                long o = r * dim;
                float dl = dLogdet == null ? 0f : dLogdet[r];
                int i = Simd.Wide ? Row<V512>(o, 0, dl) : Row<V256>(o, 0, dl);
                Row<S1>(o, i, dl);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Row<TV>(long o, int i, float dl) where TV : unmanaged, IVec<TV>
        {
            TV dlv = TV.Splat(dl);
            // Without accumulate the outputs are written, never read (a fresh gradient holds garbage).
            bool acc = accumulate;
            static TV Old(float* p, long k, bool acc) => acc ? TV.Load(p + k) : TV.Splat(0f);
            for (; i <= dim - TV.Count; i += TV.Count)
            {
                long k = o + i;
                TV keep = TV.Load(m + i), free = TV.Splat(1f) - keep;
                TV th = TanhOf(TV.Load(sRaw + k));
                TV es = TV.Exp(th * free);
                TV g = TV.Load(dy + k);
                if (dx != null) TV.MulAdd(g, keep + free * es, Old(dx, k, acc)).Store(dx + k);
                if (dsRaw != null)
                {
                    TV ds = free * TV.MulAdd(g * TV.Load(x + k), es, dlv) * (TV.Splat(1f) - th * th);
                    (Old(dsRaw, k, acc) + ds).Store(dsRaw + k);
                }
                if (dt != null) TV.MulAdd(free, g, Old(dt, k, acc)).Store(dt + k);
            }
            return i;
        }
    }

    private readonly struct AdditiveJob(float* x, float* m, float* t, float* y, int dim, float sign) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                long o = r * dim;
                int i = Simd.Wide ? Row<V512>(o, 0) : Row<V256>(o, 0);
                Row<S1>(o, i);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Row<TV>(long o, int i) where TV : unmanaged, IVec<TV>
        {
            TV sg = TV.Splat(sign);
            for (; i <= dim - TV.Count; i += TV.Count)
            {
                TV free = TV.Splat(1f) - TV.Load(m + i);
                TV.MulAdd(sg * free, TV.Load(t + o + i), TV.Load(x + o + i)).Store(y + o + i);
            }
            return i;
        }
    }

    private readonly struct AdditiveBackwardJob(float* m, float* dy, float sign, float* dx, float* dt, int dim) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            for (long r = start; r < end; r++)
            {
                long o = r * dim;
                int i = Simd.Wide ? Row<V512>(o, 0) : Row<V256>(o, 0);
                Row<S1>(o, i);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Row<TV>(long o, int i) where TV : unmanaged, IVec<TV>
        {
            TV sg = TV.Splat(sign);
            for (; i <= dim - TV.Count; i += TV.Count)
            {
                TV g = TV.Load(dy + o + i);
                if (dx != null) (TV.Load(dx + o + i) + g).Store(dx + o + i);
                if (dt != null) TV.MulAdd(sg * (TV.Splat(1f) - TV.Load(m + i)), g, TV.Load(dt + o + i)).Store(dt + o + i);
            }
            return i;
        }
    }

    private readonly struct LogitJob(float* v, float* u, float* y, float* logdet, int dim, float alpha, float levels) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            // Σ ln(1 − 2α) − dim·ln levels is the same for every row: computed once in double.
            float constant = (float)(dim * (Math.Log(1 - 2.0 * alpha) - Math.Log(levels)));
            for (long r = start; r < end; r++)
            {
                long o = r * dim;
                float sum = Simd.Wide ? Row<V512>(o, out int i) : Row<V256>(o, out i);
                S1 acc = S1.Splat(0f);
                for (; i < dim; i++) acc += Element<S1>(o, i);
                logdet[r] = constant - (sum + (float)Lanes(acc));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private float Row<TV>(long o, out int i) where TV : unmanaged, IVec<TV>
        {
            TV acc = TV.Splat(0f);
            i = 0;
            for (; i <= dim - TV.Count; i += TV.Count) acc += Element<TV>(o, i);
            return (float)Lanes(acc);
        }

        /// <summary>Writes y and returns ln p + ln(1 − p).</summary>
        private TV Element<TV>(long o, int i) where TV : unmanaged, IVec<TV>
        {
            TV xv = (TV.Load(v + o + i) + TV.Load(u + o + i)) * TV.Splat(1f / levels);
            TV p = TV.MulAdd(TV.Splat(1f - 2f * alpha), xv, TV.Splat(alpha));
            TV lp = TV.Log(p), lq = TV.Log(TV.Splat(1f) - p);
            (lp - lq).Store(y + o + i);
            return lp + lq;
        }
    }
}
