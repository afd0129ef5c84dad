using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// Layer kernels: 2×2 average pooling and nearest ×2 upsampling (+ backward), GroupNorm and BatchNorm
/// (+ backward), embedding gather / scatter-add. Twins of the CPU backend's layer and norm kernels;
/// IKernels.Layers on the host states the contract. Every backward accumulates (+=), and every thread
/// writes elements no other thread writes, so nothing needs atomics and results do not depend on scheduling.
///
/// The normalizations give each block of statistics ((n, g) for GroupNorm, a channel for BatchNorm) to
/// one group. Statistics are two-pass like the CPU twin: μ_f = Σx/m, then Σ(x − μ_f) and Σ(x − μ_f)², so
/// σ² = Σ(x − μ_f)²/m − (Σ(x − μ_f)/m)² (the centring error of μ_f is removed). Each thread sums with
/// Kahan compensation, the group adds pairwise. Optional operands come with flag bits:
/// <see cref="HasGamma"/>, <see cref="HasBeta"/>, <see cref="SiluFlag"/>, <see cref="Accumulate"/>.
/// </summary>
public static class LayerKernels
{
    public const int HasGamma = 1, HasBeta = 2, SiluFlag = 4, Accumulate = 8, HasDx = 16, HasDGamma = 32, HasDBeta = 64,
        Training = 128, HasRunningMean = 256, HasRunningVar = 512;

    // ---- pooling and upsampling (planes of [height, width]) ----------------------------------------------

    /// <summary>y[p, i, j] = ¼·((x[2i, 2j] + x[2i, 2j+1]) + (x[2i+1, 2j] + x[2i+1, 2j+1])).</summary>
    public static void AvgPool(int planes, int height, int width, ArrayView<float> x, ArrayView<float> y)
    {
        int ho = height / 2, wo = width / 2, n = planes * ho * wo;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int r = k / wo, j = k - r * wo, p = r / ho, i = r - p * ho;
            long a = ((long)p * height + 2 * i) * width + 2 * j, b = a + width;
            y[k] = 0.25f * ((x[a] + x[a + 1]) + (x[b] + x[b + 1]));
        }
    }

    /// <summary>dx[2i+a, 2j+b] += ¼·dy[i, j]: each output element owns its four inputs.</summary>
    public static void AvgPoolBackward(int planes, int height, int width, ArrayView<float> dy, ArrayView<float> dx)
    {
        int ho = height / 2, wo = width / 2, n = planes * ho * wo;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int r = k / wo, j = k - r * wo, p = r / ho, i = r - p * ho;
            long a = ((long)p * height + 2 * i) * width + 2 * j, b = a + width;
            float q = 0.25f * dy[k];
            dx[a] += q;
            dx[a + 1] += q;
            dx[b] += q;
            dx[b + 1] += q;
        }
    }

    /// <summary>y[2i+a, 2j+b] = x[i, j] for rows = planes·height input rows.</summary>
    public static void Upsample(int rows, int width, ArrayView<float> x, ArrayView<float> y)
    {
        int n = rows * width;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int r = k / width, j = k - r * width;
            float v = x[k];
            long a = (long)r * 4 * width + 2 * j, b = a + 2 * width;
            y[a] = v;
            y[a + 1] = v;
            y[b] = v;
            y[b + 1] = v;
        }
    }

    /// <summary>dx[i, j] += (dy[2i, 2j] + dy[2i, 2j+1]) + (dy[2i+1, 2j] + dy[2i+1, 2j+1]) (= without accumulate: dx is not read).</summary>
    public static void UpsampleBackward(int rows, int width, ArrayView<float> dy, ArrayView<float> dx, int accumulate)
    {
        int n = rows * width;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int r = k / width, j = k - r * width;
            long a = (long)r * 4 * width + 2 * j, b = a + 2 * width;
            float s = (dy[a] + dy[a + 1]) + (dy[b] + dy[b + 1]);
            dx[k] = accumulate != 0 ? dx[k] + s : s;
        }
    }

    // ---- statistics -----------------------------------------------------------------------------------------

    /// <summary>Element e of a normalization block of rows of `spatial` elements, the rows `stride` apart.</summary>
    private static long At(int e, int spatial, long stride) => (e / spatial) * stride + e % spatial;

    /// <summary>The two-pass statistics of a normalization block: μ_f, the sums of (x − μ_f) and (x − μ_f)², and rstd.</summary>
    private readonly struct BlockStats(float mean, float shiftSum, float squareSum, float rstd)
    {
        public readonly float Mean = mean, ShiftSum = shiftSum, SquareSum = squareSum, Rstd = rstd;
    }

    /// <summary>
    /// The statistics of the m elements x[base + At(e)], returned to every thread: μ_f and the group's sums of
    /// (x − μ_f) and (x − μ_f)² (for the running variance); rstd from them.
    /// </summary>
    private static BlockStats Stats(ArrayView<float> x, long b, int m, int spatial, long stride, float eps, ArrayView<float> p, ArrayView<float> q)
    {
        int lid = Group.IdxX;
        var k = new Kahan();
        for (int e = lid; e < m; e += Group.DimX) k.Add(x[b + At(e, spatial, stride)]);
        float total = DeviceMath.GroupSum(p, k.Sum);
        float mu = m > 0 ? total / m : 0f;
        var d = new Kahan();
        var sq = new Kahan();
        for (int e = lid; e < m; e += Group.DimX)
        {
            float v = x[b + At(e, spatial, stride)] - mu;
            d.Add(v);
            sq.Add(v * v);
        }
        var sums = DeviceMath.GroupSum2(p, q, new Pair(d.Sum, sq.Sum));
        float shift = m > 0 ? sums.A / m : 0f;
        float variance = m > 0 ? MathF.Max(0f, sums.B / m - shift * shift) : 0f;
        return new BlockStats(mu, sums.A, sums.B, 1f / MathF.Sqrt(variance + eps));
    }

    // ---- GroupNorm (x [batch, channels, spatial], block t = n·groups + g is contiguous) ------------------------

    /// <summary>One group per block t: mean[t], rstd[t], then y = (x − μ)·(γ·rstd) + β over the block (y·σ(y) with silu).</summary>
    public static void GroupNormForward(int blocks, int groups, int cg, int spatial, float eps, ArrayView<float> x, ArrayView<float> gamma,
        ArrayView<float> beta, ArrayView<float> y, ArrayView<float> mean, ArrayView<float> rstd, int flags)
    {
        var p = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var q = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX, m = cg * spatial;
        for (int t = Grid.IdxX; t < blocks; t += Grid.DimX)
        {
            long b = (long)t * m;
            var stats = Stats(x, b, m, m, 0, eps, p, q);
            float mu = stats.Mean, r = stats.Rstd;
            if (lid == 0)
            {
                mean[t] = mu;
                rstd[t] = r;
            }
            int c0 = t % groups * cg;
            for (int e = lid; e < m; e += Group.DimX)
            {
                int c = c0 + e / spatial;
                float s = (flags & HasGamma) != 0 ? gamma[c] * r : r, bb = (flags & HasBeta) != 0 ? beta[c] : 0f;
                float v = MathF.FusedMultiplyAdd(x[b + e] - mu, s, bb);
                y[b + e] = (flags & SiluFlag) != 0 ? v * DeviceMath.Sigmoid(v) : v;
            }
        }
    }

    /// <summary>
    /// dL/dy at element i (channel c, statistics μ, r): dy[i], or with silu (the forward was SiLU(y))
    /// dy[i]·SiLU′(y), y = (x − μ)·γ·r + β recomputed, SiLU′(y) = σ(y)(1 + y(1 − σ(y))).
    /// </summary>
    private static float GroupNormDy(int flags, ArrayView<float> dy, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        long i, int c, float mu, float r)
    {
        float d = dy[i];
        if ((flags & SiluFlag) == 0) return d;
        float y = MathF.FusedMultiplyAdd(x[i] - mu, (flags & HasGamma) != 0 ? gamma[c] * r : r, (flags & HasBeta) != 0 ? beta[c] : 0f);
        float s = DeviceMath.Sigmoid(y);
        return d * (s * MathF.FusedMultiplyAdd(y, 1f - s, 1f));
    }

    /// <summary>
    /// dx per block t: A = Σ γ·dy, B = rstd·Σ γ·dy·(x − μ) over the block, m its size;
    /// dx += (γ·rstd)·dy + u·(x − μ) + v with v = −rstd·A/m, u = −rstd²·B/m (= without accumulate: dx is not read).
    /// </summary>
    public static void GroupNormBackwardData(int blocks, int groups, int cg, int spatial, ArrayView<float> x, ArrayView<float> gamma,
        ArrayView<float> beta, ArrayView<float> mean, ArrayView<float> rstd, ArrayView<float> dy, ArrayView<float> dx, int flags)
    {
        var p = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var q = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX, m = cg * spatial;
        bool hasGamma = (flags & HasGamma) != 0;
        for (int t = Grid.IdxX; t < blocks; t += Grid.DimX)
        {
            int c0 = t % groups * cg;
            long b = (long)t * m;
            float mu = mean[t], r = rstd[t];
            var ka = new Kahan();
            var kb = new Kahan();
            for (int e = lid; e < m; e += Group.DimX)
            {
                int c = c0 + e / spatial;
                float gdy = (hasGamma ? gamma[c] : 1f) * GroupNormDy(flags, dy, x, gamma, beta, b + e, c, mu, r);
                ka.Add(gdy);
                kb.Add(gdy * (x[b + e] - mu));
            }
            var sums = DeviceMath.GroupSum2(p, q, new Pair(ka.Sum, kb.Sum));
            float sa = sums.A, sb = sums.B;
            if (m == 0) continue;
            float v = -r * sa / m, u = -r * r * (r * sb) / m;
            for (int e = lid; e < m; e += Group.DimX)
            {
                int c = c0 + e / spatial;
                float g = hasGamma ? gamma[c] : 1f;
                long i = b + e;
                dx[i] = MathF.FusedMultiplyAdd(g * r, GroupNormDy(flags, dy, x, gamma, beta, i, c, mu, r),
                    MathF.FusedMultiplyAdd(u, x[i] - mu, (flags & Accumulate) != 0 ? v + dx[i] : v));
            }
        }
    }

    /// <summary>
    /// One group per channel c: dγ[c] += Σ_{n,s} dy·(x − μ_t)·rstd_t, dβ[c] += Σ_{n,s} dy (t = n·groups + c/cg),
    /// dy through SiLU′ with silu.
    /// </summary>
    public static void GroupNormBackwardAffine(int batch, int channels, int spatial, int groups, ArrayView<float> x, ArrayView<float> gamma,
        ArrayView<float> beta, ArrayView<float> mean, ArrayView<float> rstd, ArrayView<float> dy, ArrayView<float> dGamma, ArrayView<float> dBeta, int flags)
    {
        var p = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var q = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX, m = batch * spatial;
        long stride = (long)channels * spatial;
        for (int c = Grid.IdxX; c < channels; c += Grid.DimX)
        {
            int g = c / (channels / groups);
            var ka = new Kahan();
            var kb = new Kahan();
            for (int e = lid; e < m; e += Group.DimX)
            {
                int n = e / spatial, t = n * groups + g;
                long i = n * stride + (long)c * spatial + e % spatial;
                float d = GroupNormDy(flags, dy, x, gamma, beta, i, c, mean[t], rstd[t]);
                ka.Add(d);
                kb.Add(d * (x[i] - mean[t]) * rstd[t]);
            }
            var sums = DeviceMath.GroupSum2(p, q, new Pair(ka.Sum, kb.Sum));
            float sa = sums.A, sb = sums.B;
            if (lid == 0)
            {
                if ((flags & HasDGamma) != 0) dGamma[c] += sb;
                if ((flags & HasDBeta) != 0) dBeta[c] += sa;
            }
        }
    }

    // ---- BatchNorm (channel c's rows sit channels·spatial apart) -----------------------------------------------

    /// <summary>
    /// One group per channel. Training: batch statistics, and the running ones updated like PyTorch
    /// (running = (1 − momentum)·running + momentum·stat, the variance unbiased ·n/(n − 1)); evaluation: the
    /// running statistics. mean[c], rstd[c] saved; y = (x − μ)·(γ·rstd) + β.
    /// </summary>
    public static void BatchNormForward(int batch, int channels, int spatial, float momentum, float eps, ArrayView<float> x,
        ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> runningMean, ArrayView<float> runningVar,
        ArrayView<float> y, ArrayView<float> mean, ArrayView<float> rstd, int flags)
    {
        var p = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var q = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX, m = batch * spatial;
        bool training = (flags & Training) != 0;
        long stride = (long)channels * spatial;
        for (int c = Grid.IdxX; c < channels; c += Grid.DimX)
        {
            long b = (long)c * spatial;
            // Evaluation reduces over zero elements rather than branching around the barriers.
            var stats = Stats(x, b, training ? m : 0, spatial, stride, eps, p, q);
            float mu = stats.Mean, r = stats.Rstd;
            if (training)
            {
                float count = m, shift = stats.ShiftSum / count;
                float variance = MathF.Max(0f, stats.SquareSum / count - shift * shift);
                if (lid == 0 && (flags & HasRunningMean) != 0) runningMean[c] = (1f - momentum) * runningMean[c] + momentum * (mu + shift);
                if (lid == 0 && (flags & HasRunningVar) != 0) runningVar[c] = (1f - momentum) * runningVar[c] + momentum * (variance * count / (count - 1f));
            }
            else
            {
                mu = runningMean[c];
                r = 1f / MathF.Sqrt(runningVar[c] + eps);
            }
            if (lid == 0)
            {
                mean[c] = mu;
                rstd[c] = r;
            }
            float s = (flags & HasGamma) != 0 ? gamma[c] * r : r, bb = (flags & HasBeta) != 0 ? beta[c] : 0f;
            for (int e = lid; e < m; e += Group.DimX)
            {
                long i = b + At(e, spatial, stride);
                y[i] = MathF.FusedMultiplyAdd(x[i] - mu, s, bb);
            }
        }
    }

    /// <summary>
    /// One group per channel: a = Σ dy, b = rstd·Σ dy·(x − μ); dγ += b, dβ += a; dx += (γ·rstd)·dy, and in
    /// training also + u·(x − μ) + v, v = −γ·rstd·a/n, u = −γ·rstd²·b/n.
    /// </summary>
    public static void BatchNormBackward(int batch, int channels, int spatial, ArrayView<float> x, ArrayView<float> gamma,
        ArrayView<float> mean, ArrayView<float> rstd, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> dGamma, ArrayView<float> dBeta, int flags)
    {
        var p = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        var q = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX, m = batch * spatial;
        bool training = (flags & Training) != 0;
        long stride = (long)channels * spatial;
        for (int c = Grid.IdxX; c < channels; c += Grid.DimX)
        {
            long b = (long)c * spatial;
            float mu = mean[c], r = rstd[c], g = (flags & HasGamma) != 0 ? gamma[c] : 1f;
            var ka = new Kahan();
            var kb = new Kahan();
            for (int e = lid; e < m; e += Group.DimX)
            {
                long i = b + At(e, spatial, stride);
                ka.Add(dy[i]);
                kb.Add(dy[i] * (x[i] - mu));
            }
            var sums = DeviceMath.GroupSum2(p, q, new Pair(ka.Sum, kb.Sum));
            float sa = sums.A, sb = r * sums.B;
            if (lid == 0)
            {
                if ((flags & HasDGamma) != 0) dGamma[c] += sb;
                if ((flags & HasDBeta) != 0) dBeta[c] += sa;
            }
            if ((flags & HasDx) == 0 || m == 0) continue;
            float v = training ? -g * r * sa / m : 0f;
            float u = training ? -g * r * r * sb / m : 0f;
            for (int e = lid; e < m; e += Group.DimX)
            {
                long i = b + At(e, spatial, stride);
                dx[i] = MathF.FusedMultiplyAdd(g * r, dy[i], MathF.FusedMultiplyAdd(u, x[i] - mu, v + dx[i]));
            }
        }
    }

    // ---- embedding --------------------------------------------------------------------------------------------

    /// <summary>y[r, d] = table[indices[r], d]; an index outside [0, vocab) gives NaN (the host does not read indices back).</summary>
    public static void EmbeddingForward(int rows, int vocab, int dim, ArrayView<int> indices, ArrayView<float> table, ArrayView<float> y)
    {
        int n = rows * dim;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int r = k / dim, d = k - r * dim, i = indices[r];
            y[k] = (uint)i < (uint)vocab ? table[(long)i * dim + d] : DeviceMath.NaN;
        }
    }

    /// <summary>
    /// dTable[indices[r], d] += dy[r, d]: one thread per column d walks the rows in order, so repeated
    /// indices add up in row order with no atomics (the CPU twin splits by columns too). Bad indices are skipped.
    /// </summary>
    public static void EmbeddingBackward(int rows, int vocab, int dim, ArrayView<int> indices, ArrayView<float> dy, ArrayView<float> dTable)
    {
        for (int d = DeviceMath.Start; d < dim; d += DeviceMath.Stride)
            for (int r = 0; r < rows; r++)
            {
                int i = indices[r];
                if ((uint)i < (uint)vocab) dTable[(long)i * dim + d] += dy[(long)r * dim + d];
            }
    }
}
