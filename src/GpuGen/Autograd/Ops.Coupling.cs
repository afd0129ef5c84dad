using GpuGen.Tensors;

namespace GpuGen.Autograd;

// Coupling transforms of normalizing flows on the fused kernels of kernels/coupling.cl. x is [N, …]
// with D = x.Length / N features per example; the mask is [D] (or any shape of D elements), 1 where
// features pass through. The nets that make s and t are ordinary ops outside.
public static partial class Ops
{
    /// <summary>
    /// Affine coupling (RealNVP): s = tanh(sRaw)·(1 − m), y = x·m + (1 − m)·(x·eˢ + t), and the per-example
    /// log-determinant logdet [N] = Σ s. sRaw and t have x's shape. Backward (both outputs):
    /// dx += dy·(m + (1 − m)eˢ); dsRaw += (1 − m)(dy·x·eˢ + dlogdet)(1 − tanh²); dt += (1 − m)·dy.
    /// </summary>
    public static (Tensor Y, Tensor LogDet) AffineCoupling(Tensor x, Tensor mask, Tensor sRaw, Tensor t)
    {
        var (rows, dim) = CouplingShape(x, mask, sRaw, t, "AffineCoupling");
        var y = Tensor.Empty(x.Device, x.Dims);
        var logdet = Tensor.Empty(x.Device, [rows]);
        var k = K(x);
        k.AffineCouplingForward(rows, dim, x.Buffer, mask.Buffer, sRaw.Buffer, t.Buffer, y.Buffer, logdet.Buffer);
        var scope = Recording(x, sRaw, t);
        if (scope is null) return (y, logdet);
        y.RequiresGrad = true;
        logdet.RequiresGrad = true;
        scope.Tape.Record(() =>
        {
            if (y.Grad is null && logdet.Grad is null) return;
            using var zeros = y.Grad is null ? Tensor.Zeros(x.Device, x.Dims) : null;
            var dy = y.Grad ?? zeros!;
            // When no wanted gradient exists yet (the usual case: x, sRaw and t feed nothing later in the
            // tape), the kernel writes them all and none needs a zero fill; otherwise it adds to zeroed ones.
            bool fresh = !ReferenceEquals(x, sRaw) && !ReferenceEquals(x, t) && !ReferenceEquals(sRaw, t)
                && (!x.RequiresGrad || x.Grad is null) && (!sRaw.RequiresGrad || sRaw.Grad is null) && (!t.RequiresGrad || t.Grad is null);
            Tensor Grad(Tensor v) => fresh ? v.GradToWrite(out _) : v.EnsureGrad();
            k.AffineCouplingBackward(rows, dim, x.Buffer, mask.Buffer, sRaw.Buffer, dy.Buffer, logdet.Grad?.Buffer,
                x.RequiresGrad ? Grad(x).Buffer : null,
                sRaw.RequiresGrad ? Grad(sRaw).Buffer : null,
                t.RequiresGrad ? Grad(t).Buffer : null,
                accumulate: !fresh);
        });
        return (y, logdet);
    }

    /// <summary>
    /// The inverse of <see cref="AffineCoupling"/> for sampling: x = y·m + (1 − m)·(y − t)·e⁻ˢ, and its
    /// log-determinant [N] = −Σ s. No gradient (flows are trained in the forward direction).
    /// </summary>
    public static (Tensor X, Tensor LogDet) AffineCouplingInverse(Tensor y, Tensor mask, Tensor sRaw, Tensor t)
    {
        var (rows, dim) = CouplingShape(y, mask, sRaw, t, "AffineCouplingInverse");
        var x = Tensor.Empty(y.Device, y.Dims);
        var logdet = Tensor.Empty(y.Device, [rows]);
        K(y).AffineCouplingInverse(rows, dim, y.Buffer, mask.Buffer, sRaw.Buffer, t.Buffer, x.Buffer, logdet.Buffer);
        return (x, logdet);
    }

    /// <summary>
    /// Additive coupling (NICE): y = x + (1 − m)·t, or x − (1 − m)·t when <paramref name="inverse"/>;
    /// the log-determinant is 0. Backward: dx += dy; dt += ±(1 − m)·dy.
    /// </summary>
    public static Tensor AdditiveCoupling(Tensor x, Tensor mask, Tensor t, bool inverse = false)
    {
        var (rows, dim) = CouplingShape(x, mask, t, t, "AdditiveCoupling");
        float sign = inverse ? -1f : 1f;
        var y = Tensor.Empty(x.Device, x.Dims);
        var k = K(x);
        k.AdditiveCoupling(rows, dim, x.Buffer, mask.Buffer, t.Buffer, y.Buffer, sign);
        return Record(Recording(x, t), y, dy =>
            k.AdditiveCouplingBackward(rows, dim, mask.Buffer, dy.Buffer, sign,
                x.RequiresGrad ? x.EnsureGrad().Buffer : null, t.RequiresGrad ? t.EnsureGrad().Buffer : null));
    }

    /// <summary>
    /// Uniform dequantization + logit transform of pixel values v ∈ {0 … levels − 1} [N, …] with noise u ∈ [0, 1)
    /// of the same shape: y = logit(α + (1 − 2α)(v + u)/levels) and its log-determinant [N] (including
    /// −D·ln levels). See <see cref="Backends.IKernels.DequantizeLogit"/>. No gradient (data).
    /// </summary>
    public static (Tensor Y, Tensor LogDet) DequantizeLogit(Tensor v, Tensor u, float alpha, float levels = 256f)
    {
        SameShape(v, u, "DequantizeLogit");
        int rows = v.Dim(0), dim = checked((int)(v.Length / Math.Max(1, rows)));
        var y = Tensor.Empty(v.Device, v.Dims);
        var logdet = Tensor.Empty(v.Device, [rows]);
        K(v).DequantizeLogit(rows, dim, v.Buffer, u.Buffer, alpha, levels, y.Buffer, logdet.Buffer);
        return (y, logdet);
    }

    private static (int Rows, int Dim) CouplingShape(Tensor x, Tensor mask, Tensor s, Tensor t, string op)
    {
        SameShape(x, s, op);
        SameShape(x, t, op);
        SameDevice(x, mask, op);
        if (x.Rank < 1 || x.Dim(0) == 0) throw ShapeError(op, $"input {x.Describe()} needs a leading batch dimension");
        int rows = x.Dim(0), dim = checked((int)(x.Length / rows));
        if (mask.Length != dim) throw ShapeError(op, $"mask {mask.Describe()} must hold one value per feature of {x.Describe()} ({dim})");
        return (rows, dim);
    }
}
