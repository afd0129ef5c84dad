using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Concatenates along <paramref name="axis"/> (all other dimensions equal). Viewed as
    /// [outer, part·inner] slabs, each part is one strided 2-D copy; backward copies the slices back.
    /// </summary>
    public static Tensor Concat(int axis, params Tensor[] parts)
    {
        if (parts.Length == 0) throw ShapeError("Concat", "nothing to concatenate");
        var first = parts[0];
        if (axis < 0) axis += first.Rank;
        var shape = first.Dims.ToArray();
        shape[axis] = 0;
        foreach (var p in parts)
        {
            SameDevice(first, p, "Concat");
            bool fits = p.Rank == first.Rank && Enumerable.Range(0, p.Rank).All(i => i == axis || p.Dim(i) == first.Dim(i));
            if (!fits) throw ShapeError("Concat", $"{p.Describe()} does not match {first.Describe()} outside axis {axis}");
            shape[axis] += p.Dim(axis);
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        int total = checked((int)(Shape.Count(shape) / Math.Max(1, outer)));
        var y = Tensor.Empty(first.Device, shape);
        var k = K(first);
        var offsets = new int[parts.Length];
        int at = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            int cols = checked((int)(parts[i].Length / Math.Max(1, outer)));
            offsets[i] = at;
            k.Copy2d(outer, cols, parts[i].Buffer, 0, cols, y.Buffer, at, total);
            at += cols;
        }
        var scope = parts.Any(p => p.RequiresGrad) && StepScope.Current is { RecordsGradients: true } s ? s : null;
        return Record(scope, y, dy =>
        {
            for (int i = 0; i < parts.Length; i++)
            {
                if (!parts[i].RequiresGrad) continue;
                int cols = checked((int)(parts[i].Length / Math.Max(1, outer)));
                var dp = parts[i].GradToWrite(out bool overwrite);
                k.Copy2d(outer, cols, dy.Buffer, offsets[i], total, dp.Buffer, 0, cols, accumulate: !overwrite);
            }
        });
    }

    /// <summary>y = x[..., start:start+length, ...] along <paramref name="axis"/>. Backward: the slice of dx += dy.</summary>
    public static Tensor Narrow(Tensor x, int axis, int start, int length)
    {
        if (axis < 0) axis += x.Rank;
        if (start < 0 || length < 0 || start + length > x.Dim(axis))
            throw ShapeError("Narrow", $"[{start}, {start + length}) is outside axis {axis} of {x.Describe()}");
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= x.Dim(i);
        for (int i = axis + 1; i < x.Rank; i++) inner *= x.Dim(i);
        var shape = x.Dims.ToArray();
        shape[axis] = length;
        int srcCols = x.Dim(axis) * inner, cols = length * inner;
        var y = Tensor.Empty(x.Device, shape);
        var k = K(x);
        k.Copy2d(outer, cols, x.Buffer, (long)start * inner, srcCols, y.Buffer, 0, cols);
        return Record(Recording(x), y, dy =>
            k.Copy2d(outer, cols, dy.Buffer, 0, cols, x.EnsureGrad().Buffer, (long)start * inner, srcCols, accumulate: true));
    }

    /// <summary>
    /// Sinusoidal embedding [B, dim] of int timesteps t [B] (no gradient: t is discrete).
    /// See <see cref="Backends.IKernels.TimestepEmbedding"/>.
    /// </summary>
    public static Tensor TimestepEmbedding(Tensor t, int dim)
    {
        t.RequireType(DType.Int32);
        if (dim < 4 || dim % 2 != 0) throw ShapeError("TimestepEmbedding", $"dim must be even and at least 4, got {dim}");
        int batch = checked((int)t.Length);
        var y = Tensor.Empty(t.Device, [batch, dim]);
        K(t).TimestepEmbedding(batch, dim, t.Buffer, y.Buffer);
        return y;
    }
}
