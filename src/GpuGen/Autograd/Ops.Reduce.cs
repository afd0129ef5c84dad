using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>y[] = Σ x (a one-element tensor of shape [1]). Backward: dx += dy.</summary>
    public static Tensor Sum(Tensor x) => ReduceAll(x, 1f);

    /// <summary>y[] = (1/n) Σ x. Backward: dx += dy/n.</summary>
    public static Tensor Mean(Tensor x) => ReduceAll(x, 1f / x.Length);

    private static Tensor ReduceAll(Tensor x, float alpha)
    {
        var y = Tensor.Empty(x.Device, [1]);
        var k = K(x);
        int n = checked((int)x.Length);
        k.ReduceSum(1, n, 1, x.Buffer, y.Buffer, alpha);
        return Record(Recording(x), y, dy =>
        {
            // dx += alpha·dy[0], broadcast: a scaled copy of dy added as a scalar.
            using var scaled = Tensor.Empty(x.Device, [1]);
            k.Unary(UnaryOp.Scale, 1, dy.Buffer, scaled.Buffer, alpha);
            var dx = x.EnsureGrad().Buffer;
            k.Binary(BinaryOp.Add, 1, n, dx, scaled.Buffer, Broadcast.Scalar, dx);
        });
    }

    /// <summary>
    /// Sum over one axis (mean when <paramref name="mean"/>), dropping it unless keepDim.
    /// x viewed as [outer, mid, inner] with mid the reduced axis; y[o,i] = α Σₘ x[o,m,i].
    /// Backward: dx[o,m,i] += α·dy[o,i].
    /// </summary>
    public static Tensor SumAxis(Tensor x, int axis, bool keepDim = false, bool mean = false)
    {
        if (axis < 0) axis += x.Rank;
        if (axis < 0 || axis >= x.Rank) throw ShapeError("SumAxis", $"axis out of range for {x.Describe()}");
        int outer = 1, inner = 1, mid = x.Dim(axis);
        for (int i = 0; i < axis; i++) outer *= x.Dim(i);
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Dim(i);
        float alpha = mean ? 1f / mid : 1f;
        var shape = keepDim
            ? x.Dims.Select((d, i) => i == axis ? 1 : d).ToArray()
            : x.Dims.Where((_, i) => i != axis).ToArray();
        if (shape.Length == 0) shape = [1];
        var y = Tensor.Empty(x.Device, shape);
        var k = K(x);
        k.ReduceSum(outer, mid, inner, x.Buffer, y.Buffer, alpha);
        return Record(Recording(x), y, dy =>
        {
            var dx = x.EnsureGrad().Buffer;
            Tensor? scaled = null;
            var source = dy.Buffer;
            if (alpha != 1f)
            {
                scaled = Tensor.Empty(x.Device, dy.Dims);
                k.Unary(UnaryOp.Scale, dy.Length, dy.Buffer, scaled.Buffer, alpha);
                source = scaled.Buffer;
            }
            if (inner == 1) k.Binary(BinaryOp.Add, outer, mid, dx, source, Broadcast.Column, dx);
            else if (outer == 1) k.Binary(BinaryOp.Add, mid, inner, dx, source, Broadcast.Row, dx);
            else
                // Each [mid, inner] slab of dx receives the same row dy[o, :]: a copy with source stride 0.
                for (int o = 0; o < outer; o++)
                    k.Copy2d(mid, inner, source, (long)o * inner, 0, dx, (long)o * mid * inner, inner, accumulate: true);
            scaled?.Dispose();
        });
    }
}
