using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuGen.Backends.Cpu;

// GroupNorm and BatchNorm over x [batch, channels, spatial]. Statistics are two-pass (mean, then the
// centred sum of squares, so a large mean costs no precision); each channel row of `spatial`
// elements is summed in float SIMD registers and the rows are added in float64. GroupNorm runs one
// (n, g) block per index; BatchNorm one channel per index, so per-channel sums need no atomics.
public sealed unsafe partial class CpuKernels
{
    public void GroupNormForward(int batch, int channels, int spatial, int groups, float eps,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta, DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd, bool silu = false)
    {
        int cg = GroupSize(batch, channels, spatial, groups);
        long n = (long)batch * channels * spatial, blocks = (long)batch * groups;
        if (blocks == 0) return;
        var job = new GroupNormJob(F(x, n, nameof(x)), Opt(gamma, channels, nameof(gamma)), Opt(beta, channels, nameof(beta)),
            F(y, n, nameof(y)), F(mean, blocks, nameof(mean)), F(rstd, blocks, nameof(rstd)), groups, cg, spatial, eps, silu);
        CpuParallel.For(blocks, job, Math.Max(1, CpuParallel.Cheap / Math.Max(1, (long)cg * spatial)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void GroupNormBackward(int batch, int channels, int spatial, int groups,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer dy,
        DeviceBuffer? dx, DeviceBuffer? dGamma, DeviceBuffer? dBeta, bool accumulateDx = true, bool silu = false, DeviceBuffer? beta = null)
    {
        int cg = GroupSize(batch, channels, spatial, groups);
        long n = (long)batch * channels * spatial, blocks = (long)batch * groups;
        if (blocks == 0 || dx is null && dGamma is null && dBeta is null) return;
        // Per-(n, c) sums Σ dy and Σ dy·x̂, reduced over n afterwards in a fixed order (deterministic).
        long partials = (long)batch * channels;
        double* sums = (double*)NativeMemory.Alloc((nuint)(2 * partials), sizeof(double));
        try
        {
            var job = new GroupNormBackwardJob(F(x, n, nameof(x)), Opt(gamma, channels, nameof(gamma)), F(mean, blocks, nameof(mean)),
                F(rstd, blocks, nameof(rstd)), F(dy, n, nameof(dy)), Opt(dx, n, nameof(dx)), sums, groups, cg, spatial, accumulateDx,
                silu, silu ? Opt(beta, channels, nameof(beta)) : null);
            float* dg = Opt(dGamma, channels, nameof(dGamma)), db = Opt(dBeta, channels, nameof(dBeta));
            CpuParallel.For(blocks, job, Math.Max(1, CpuParallel.Cheap / Math.Max(1, (long)cg * spatial)));
            for (int c = 0; c < channels; c++)
            {
                double a = 0, b = 0;
                for (int s = 0; s < batch; s++)
                {
                    a += sums[2 * ((long)s * channels + c)];
                    b += sums[2 * ((long)s * channels + c) + 1];
                }
                if (dg != null) dg[c] += (float)b;
                if (db != null) db[c] += (float)a;
            }
        }
        finally
        {
            NativeMemory.Free(sums);
        }
    }

    public void BatchNormForward(int batch, int channels, int spatial, bool training, float momentum, float eps,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer? beta, DeviceBuffer? runningMean, DeviceBuffer? runningVar,
        DeviceBuffer y, DeviceBuffer mean, DeviceBuffer rstd)
    {
        NormSizes(batch, channels, spatial);
        long count = (long)batch * spatial, n = count * channels;
        if (training && count <= 1 && channels > 0)
            throw new ArgumentException($"batch norm in training mode needs more than one value per channel (batch {batch} × spatial {spatial})", nameof(batch));
        if (!training && (runningMean is null || runningVar is null))
            throw new ArgumentNullException(runningMean is null ? nameof(runningMean) : nameof(runningVar), "evaluation mode normalises with the running statistics");
        if (channels == 0) return;
        var job = new BatchNormJob(F(x, n, nameof(x)), Opt(gamma, channels, nameof(gamma)), Opt(beta, channels, nameof(beta)),
            Opt(runningMean, channels, nameof(runningMean)), Opt(runningVar, channels, nameof(runningVar)),
            F(y, n, nameof(y)), F(mean, channels, nameof(mean)), F(rstd, channels, nameof(rstd)),
            batch, channels, spatial, training, momentum, eps);
        CpuParallel.For(channels, job, Math.Max(1, CpuParallel.Cheap / Math.Max(1, count)));
    }

    public void BatchNormBackward(int batch, int channels, int spatial, bool training,
        DeviceBuffer x, DeviceBuffer? gamma, DeviceBuffer mean, DeviceBuffer rstd, DeviceBuffer dy,
        DeviceBuffer? dx, DeviceBuffer? dGamma, DeviceBuffer? dBeta)
    {
        NormSizes(batch, channels, spatial);
        long count = (long)batch * spatial, n = count * channels;
        if (channels == 0 || dx is null && dGamma is null && dBeta is null) return;
        var job = new BatchNormBackwardJob(F(x, n, nameof(x)), Opt(gamma, channels, nameof(gamma)), F(mean, channels, nameof(mean)),
            F(rstd, channels, nameof(rstd)), F(dy, n, nameof(dy)), Opt(dx, n, nameof(dx)),
            Opt(dGamma, channels, nameof(dGamma)), Opt(dBeta, channels, nameof(dBeta)), batch, channels, spatial, training);
        CpuParallel.For(channels, job, Math.Max(1, CpuParallel.Cheap / Math.Max(1, count)));
    }

    private static int GroupSize(int batch, int channels, int spatial, int groups)
    {
        NormSizes(batch, channels, spatial);
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"the number of groups must be positive and divide the {channels} channels");
        return channels / groups;
    }

    private static void NormSizes(int batch, int channels, int spatial)
    {
        NonNegative(batch, nameof(batch));
        NonNegative(channels, nameof(channels));
        NonNegative(spatial, nameof(spatial));
    }

    /// <summary>The pointer of an optional buffer, or null.</summary>
    private static float* Opt(DeviceBuffer? buffer, long need, string name) => buffer is null ? null : F(buffer, need, name);

    private static float RowSum(float* x, int n) => TensorPrimitives.Sum(new ReadOnlySpan<float>(x, n));

    /// <summary>Σ (x − c)².</summary>
    private static double CenteredSquares(float* x, int n, float c) =>
        Simd.Wide ? CenteredSquares<V512>(x, n, c) : CenteredSquares<V256>(x, n, c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CenteredSquares<T>(float* x, int n, float c) where T : unmanaged, IVec<T>
    {
        T acc = T.Splat(0f), vc = T.Splat(c);
        int i = 0;
        for (; i <= n - T.Count; i += T.Count)
        {
            T d = T.Load(x + i) - vc;
            acc = T.MulAdd(d, d, acc);
        }
        double s = Lanes(acc);
        for (; i < n; i++) s += (double)(x[i] - c) * (x[i] - c);
        return s;
    }

    /// <summary>Σ g·(x − c).</summary>
    private static double CenteredDot(float* g, float* x, int n, float c) =>
        Simd.Wide ? CenteredDot<V512>(g, x, n, c) : CenteredDot<V256>(g, x, n, c);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CenteredDot<T>(float* g, float* x, int n, float c) where T : unmanaged, IVec<T>
    {
        T acc = T.Splat(0f), vc = T.Splat(c);
        int i = 0;
        for (; i <= n - T.Count; i += T.Count) acc = T.MulAdd(T.Load(g + i), T.Load(x + i) - vc, acc);
        double s = Lanes(acc);
        for (; i < n; i++) s += (double)g[i] * (x[i] - c);
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Lanes<T>(T v) where T : unmanaged, IVec<T>
    {
        float* lanes = stackalloc float[16];
        v.Store(lanes);
        double s = 0;
        for (int k = 0; k < T.Count; k++) s += lanes[k];
        return s;
    }

    /// <summary>y = f((x − c)·s + t) over one row, f the identity or an activation fused into the pass.</summary>
    private static void Normalize<TOp>(float* x, float* y, int n, float c, float s, float t) where TOp : IUnaryFn
    {
        int i = Simd.Wide ? NormalizeBody<V512, TOp>(0, n, x, y, c, s, t) : NormalizeBody<V256, TOp>(0, n, x, y, c, s, t);
        NormalizeBody<S1, TOp>(i, n, x, y, c, s, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NormalizeBody<T, TOp>(int i, int n, float* x, float* y, float c, float s, float t)
        where T : unmanaged, IVec<T> where TOp : IUnaryFn
    {
        T vc = T.Splat(c), vs = T.Splat(s), vt = T.Splat(t);
        for (; i <= n - T.Count; i += T.Count) TOp.F(T.MulAdd(T.Load(x + i) - vc, vs, vt), vt).Store(y + i);
        return i;
    }

    /// <summary>d = da·SiLU′(y) with y = (x − c)·s + t over one row: the gradient through a fused SiLU.</summary>
    private static void SiluGradient(float* da, float* x, float* d, int n, float c, float s, float t)
    {
        int i = Simd.Wide ? SiluGradientBody<V512>(0, n, da, x, d, c, s, t) : SiluGradientBody<V256>(0, n, da, x, d, c, s, t);
        SiluGradientBody<S1>(i, n, da, x, d, c, s, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SiluGradientBody<T>(int i, int n, float* da, float* x, float* d, float c, float s, float t) where T : unmanaged, IVec<T>
    {
        T vc = T.Splat(c), vs = T.Splat(s), vt = T.Splat(t);
        for (; i <= n - T.Count; i += T.Count)
        {
            T y = T.MulAdd(T.Load(x + i) - vc, vs, vt);
            (SiluFn.D(y, y, vt) * T.Load(da + i)).Store(d + i);
        }
        return i;
    }

    /// <summary>dx += s·dy + u·(x − c) + v over one row: the normalization backward after its sums (= without accumulate).</summary>
    private static void NormalizeBackward(float* dy, float* x, float* dx, int n, float c, float s, float u, float v, bool accumulate = true)
    {
        int i = Simd.Wide ? NormalizeBackwardBody<V512>(0, n, dy, x, dx, c, s, u, v, accumulate) : NormalizeBackwardBody<V256>(0, n, dy, x, dx, c, s, u, v, accumulate);
        NormalizeBackwardBody<S1>(i, n, dy, x, dx, c, s, u, v, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int NormalizeBackwardBody<T>(int i, int n, float* dy, float* x, float* dx, float c, float s, float u, float v, bool accumulate) where T : unmanaged, IVec<T>
    {
        T vc = T.Splat(c), vs = T.Splat(s), vu = T.Splat(u), vv = T.Splat(v);
        if (accumulate)
            for (; i <= n - T.Count; i += T.Count)
                T.MulAdd(vs, T.Load(dy + i), T.MulAdd(vu, T.Load(x + i) - vc, vv + T.Load(dx + i))).Store(dx + i);
        else
            for (; i <= n - T.Count; i += T.Count)
                T.MulAdd(vs, T.Load(dy + i), T.MulAdd(vu, T.Load(x + i) - vc, vv)).Store(dx + i);
        return i;
    }

    /// <summary>One (n, g) block per index: block t starts at t·cg·spatial (sample n, channels g·cg …).</summary>
    private readonly struct GroupNormJob(float* x, float* gamma, float* beta, float* y, float* mean, float* rstd,
        int groups, int cg, int spatial, float eps, bool silu) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            double m = (double)cg * spatial;
            for (long t = start; t < end; t++)
            {
                float* block = x + t * cg * spatial;
                double sum = 0;
                for (int k = 0; k < cg; k++) sum += RowSum(block + (long)k * spatial, spatial);
                double mu = m > 0 ? sum / m : 0;
                float muF = (float)mu;
                double squares = 0;
                for (int k = 0; k < cg; k++) squares += CenteredSquares(block + (long)k * spatial, spatial, muF);
                // Σ(x − μ)² = Σ(x − μ_f)² − m·(μ − μ_f)², exact for the float-rounded centre μ_f.
                double variance = m > 0 ? Math.Max(0, squares / m - (mu - muF) * (mu - muF)) : 0;
                float r = (float)(1 / Math.Sqrt(variance + eps));
                mean[t] = muF;
                rstd[t] = r;
                int c0 = (int)(t % groups) * cg;
                for (int k = 0; k < cg; k++)
                {
                    float g = gamma == null ? 1f : gamma[c0 + k], b = beta == null ? 0f : beta[c0 + k];
                    long o = (t * cg + k) * spatial;
                    if (silu) Normalize<SiluFn>(x + o, y + o, spatial, muF, g * r, b);
                    else Normalize<IdentityFn>(x + o, y + o, spatial, muF, g * r, b);
                }
            }
        }
    }

    /// <summary>
    /// Per (n, g) block: aₖ = Σ dy, bₖ = Σ dy·x̂ per channel k (saved for dγ, dβ), A = Σ γₖaₖ, B = Σ γₖbₖ;
    /// dx += rstd·γₖ·dy − rstd·A/m − (x − μ)·rstd²·B/m.
    /// </summary>
    /// <remarks>
    /// With silu, dy is the gradient of SiLU(y) and the block's dL/dy = dy·SiLU′(y) is formed first in a
    /// per-thread scratch (y recomputed from x, μ, rstd, γ, β), so y need not be kept from the forward.
    /// </remarks>
    private readonly struct GroupNormBackwardJob(float* x, float* gamma, float* mean, float* rstd, float* dy, float* dx,
        double* sums, int groups, int cg, int spatial, bool accumulate, bool silu, float* beta) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            double m = (double)cg * spatial;
            float* scratch = silu ? ConvScratch.Get((long)cg * spatial) : null;
            for (long t = start; t < end; t++)
            {
                float mu = mean[t], r = rstd[t];
                int c0 = (int)(t % groups) * cg;
                // dL/dy of the block: dy itself, or dy·SiLU′(y) in the scratch (rows at k·spatial).
                float* dyBlock = dy + t * cg * spatial;
                if (silu)
                {
                    for (int k = 0; k < cg; k++)
                    {
                        long o = (t * cg + k) * spatial;
                        float g = gamma == null ? 1f : gamma[c0 + k], b = beta == null ? 0f : beta[c0 + k];
                        SiluGradient(dy + o, x + o, scratch + (long)k * spatial, spatial, mu, g * r, b);
                    }
                    dyBlock = scratch;
                }
                double bigA = 0, bigB = 0;
                for (int k = 0; k < cg; k++)
                {
                    long o = (t * cg + k) * spatial;
                    float* dyRow = dyBlock + (long)k * spatial;
                    double a = RowSum(dyRow, spatial), b = r * CenteredDot(dyRow, x + o, spatial, mu);
                    // Block t is sample t / groups; its channel c0 + k sits at (t·cg + k) of the [batch·channels] partials.
                    sums[2 * (t * cg + k)] = a;
                    sums[2 * (t * cg + k) + 1] = b;
                    double g = gamma == null ? 1 : gamma[c0 + k];
                    bigA += g * a;
                    bigB += g * b;
                }
                if (dx == null || m == 0) continue;
                float v = (float)(-r * bigA / m), u = (float)(-(double)r * r * bigB / m);
                for (int k = 0; k < cg; k++)
                {
                    long o = (t * cg + k) * spatial;
                    float g = gamma == null ? 1f : gamma[c0 + k];
                    NormalizeBackward(dyBlock + (long)k * spatial, x + o, dx + o, spatial, mu, g * r, u, v, accumulate);
                }
            }
        }
    }

    /// <summary>One channel per index; its batch rows sit `channels·spatial` apart.</summary>
    private readonly struct BatchNormJob(float* x, float* gamma, float* beta, float* runningMean, float* runningVar,
        float* y, float* mean, float* rstd, int batch, int channels, int spatial, bool training, float momentum, float eps) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            double count = (double)batch * spatial;
            long stride = (long)channels * spatial;
            for (long c = start; c < end; c++)
            {
                float muF;
                double variance;
                if (training)
                {
                    double sum = 0;
                    for (int s = 0; s < batch; s++) sum += RowSum(x + s * stride + c * spatial, spatial);
                    double mu = sum / count;
                    muF = (float)mu;
                    double squares = 0;
                    for (int s = 0; s < batch; s++) squares += CenteredSquares(x + s * stride + c * spatial, spatial, muF);
                    variance = Math.Max(0, squares / count - (mu - muF) * (mu - muF));
                    // PyTorch: running = (1 − momentum)·running + momentum·batch statistic, variance unbiased.
                    if (runningMean != null) runningMean[c] = (float)((1 - (double)momentum) * runningMean[c] + momentum * mu);
                    if (runningVar != null) runningVar[c] = (float)((1 - (double)momentum) * runningVar[c] + momentum * variance * count / (count - 1));
                }
                else
                {
                    muF = runningMean[c];
                    variance = runningVar[c];
                }
                float r = (float)(1 / Math.Sqrt(variance + eps));
                mean[c] = muF;
                rstd[c] = r;
                float g = gamma == null ? 1f : gamma[c], b = beta == null ? 0f : beta[c];
                for (int s = 0; s < batch; s++)
                {
                    long o = s * stride + c * spatial;
                    Normalize<IdentityFn>(x + o, y + o, spatial, muF, g * r, b);
                }
            }
        }
    }

    /// <summary>
    /// Per channel: a = Σ dy, b = Σ dy·x̂; dγ += b, dβ += a; dx += γ·rstd·dy, and in training also
    /// − γ·rstd·a/n − (x − μ)·γ·rstd²·b/n (the statistics' dependence on x).
    /// </summary>
    private readonly struct BatchNormBackwardJob(float* x, float* gamma, float* mean, float* rstd, float* dy, float* dx,
        float* dGamma, float* dBeta, int batch, int channels, int spatial, bool training) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            double count = (double)batch * spatial;
            long stride = (long)channels * spatial;
            for (long c = start; c < end; c++)
            {
                float mu = mean[c], r = rstd[c], g = gamma == null ? 1f : gamma[c];
                double a = 0, b = 0;
                for (int s = 0; s < batch; s++)
                {
                    long o = s * stride + c * spatial;
                    a += RowSum(dy + o, spatial);
                    b += CenteredDot(dy + o, x + o, spatial, mu);
                }
                b *= r;
                if (dGamma != null) dGamma[c] += (float)b;
                if (dBeta != null) dBeta[c] += (float)a;
                if (dx == null || count == 0) continue;
                float v = training ? (float)(-g * r * a / count) : 0f;
                float u = training ? (float)(-g * (double)r * r * b / count) : 0f;
                for (int s = 0; s < batch; s++)
                {
                    long o = s * stride + c * spatial;
                    NormalizeBackward(dy + o, x + o, dx + o, spatial, mu, g * r, u, v);
                }
            }
        }
    }
}
