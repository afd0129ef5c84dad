using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// Coupling transforms of normalizing flows (NICE, RealNVP) and the dequantizing logit transform; the
/// contract (IKernels.Coupling on the host) states the math. Rows are examples, dim their flattened
/// features, mask m[dim] (1 = passes through). Kernels with a per-row log-determinant give each row to
/// one group and sum it in shared memory; the others are element-wise.
/// </summary>
public static class CouplingKernels
{
    /// <summary>tanh through σ, the CPU twin's formula: tanh(a) = 2σ(2a) − 1.</summary>
    public static float Tanh(float a) => 2f * DeviceMath.Sigmoid(a + a) - 1f;

    /// <summary>
    /// Forward (inverse = 0): y = x·m + (1−m)·(x·eˢ + t), logdet[r] (+)= Σ s. Inverse (inverse = 1): the
    /// "x" argument holds y and the output x = y·m + (1−m)·(y − t)·e⁻ˢ, logdet[r] (+)= −Σ s.
    /// </summary>
    public static void Affine(int rows, int dim, ArrayView<float> x, ArrayView<float> mask, ArrayView<float> sRaw, ArrayView<float> t,
        ArrayView<float> y, ArrayView<float> logdet, int accumulate, int inverse)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX;
        for (int r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            long o = (long)r * dim;
            float sum = 0f;
            for (int i = lid; i < dim; i += Group.DimX)
            {
                float keep = mask[i], free = 1f - keep;
                float s = Tanh(sRaw[o + i]) * free;
                float xv = x[o + i], tv = t[o + i];
                y[o + i] = inverse != 0 ? xv * keep + free * (xv - tv) * MathF.Exp(-s) : xv * keep + free * MathF.FusedMultiplyAdd(xv, MathF.Exp(s), tv);
                sum += s;
            }
            float total = DeviceMath.GroupSum(part, sum);
            if (lid == 0)
            {
                float ld = inverse != 0 ? -total : total;
                logdet[r] = accumulate != 0 ? logdet[r] + ld : ld;
            }
        }
    }

    /// <summary>
    /// dx += dy·(m + (1−m)eˢ); dsRaw += (1−m)(dy·x·eˢ + dLogdet[r])(1 − tanh²); dt += (1−m)·dy. The has*
    /// flags say which gradients are wanted; without accumulate the outputs are written, never read.
    /// </summary>
    public static void AffineBackward(int rows, int dim, ArrayView<float> x, ArrayView<float> mask, ArrayView<float> sRaw, ArrayView<float> dy,
        ArrayView<float> dLogdet, ArrayView<float> dx, ArrayView<float> dsRaw, ArrayView<float> dt, int flags)
    {
        bool hasDLogdet = (flags & 1) != 0, hasDx = (flags & 2) != 0, hasDs = (flags & 4) != 0, hasDt = (flags & 8) != 0, accumulate = (flags & 16) != 0;
        int n = rows * dim;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            int r = k / dim, i = k - r * dim;
            float keep = mask[i], free = 1f - keep;
            float th = Tanh(sRaw[k]);
            float es = MathF.Exp(th * free);
            float g = dy[k];
            if (hasDx) dx[k] = MathF.FusedMultiplyAdd(g, keep + free * es, accumulate ? dx[k] : 0f);
            if (hasDs)
            {
                float dl = hasDLogdet ? dLogdet[r] : 0f;
                float ds = free * MathF.FusedMultiplyAdd(g * x[k], es, dl) * (1f - th * th);
                dsRaw[k] = accumulate ? dsRaw[k] + ds : ds;
            }
            if (hasDt) dt[k] = MathF.FusedMultiplyAdd(free, g, accumulate ? dt[k] : 0f);
        }
    }

    /// <summary>y = x + sign·(1 − m)·t.</summary>
    public static void Additive(int rows, int dim, ArrayView<float> x, ArrayView<float> mask, ArrayView<float> t, ArrayView<float> y, float sign)
    {
        int n = rows * dim;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
            y[k] = MathF.FusedMultiplyAdd(sign * (1f - mask[k % dim]), t[k], x[k]);
    }

    /// <summary>dx += dy; dt += sign·(1 − m)·dy (hasDx, hasDt say which are wanted).</summary>
    public static void AdditiveBackward(int rows, int dim, ArrayView<float> mask, ArrayView<float> dy, float sign,
        ArrayView<float> dx, ArrayView<float> dt, int hasDx, int hasDt)
    {
        int n = rows * dim;
        for (int k = DeviceMath.Start; k < n; k += DeviceMath.Stride)
        {
            float g = dy[k];
            if (hasDx != 0) dx[k] += g;
            if (hasDt != 0) dt[k] = MathF.FusedMultiplyAdd(sign * (1f - mask[k % dim]), g, dt[k]);
        }
    }

    /// <summary>
    /// x = (v + u)/levels, p = α + (1 − 2α)x, y = ln p − ln(1 − p);
    /// logdet[r] = offset − Σ (ln p + ln(1 − p)), offset = dim·(ln(1 − 2α) − ln levels) from the host.
    /// </summary>
    public static void DequantizeLogit(int rows, int dim, ArrayView<float> v, ArrayView<float> u, float alpha, float levels, float offset,
        ArrayView<float> y, ArrayView<float> logdet)
    {
        var part = SharedMemory.Allocate<float>(DeviceMath.MaxGroup);
        int lid = Group.IdxX;
        for (int r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            long o = (long)r * dim;
            float sum = 0f;
            for (int i = lid; i < dim; i += Group.DimX)
            {
                float xv = (v[o + i] + u[o + i]) * (1f / levels);
                float p = MathF.FusedMultiplyAdd(1f - 2f * alpha, xv, alpha);
                float lp = MathF.Log(p), lq = MathF.Log(1f - p);
                y[o + i] = lp - lq;
                sum += lp + lq;
            }
            float total = DeviceMath.GroupSum(part, sum);
            if (lid == 0) logdet[r] = offset - total;
        }
    }
}
