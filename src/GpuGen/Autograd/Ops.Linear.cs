using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>
    /// y[N,Out] = x[N,In] · wᵀ[Out,In] + b[Out] (leading dimensions of x are flattened into N).
    /// Backward: dx += dy·w, dw += dyᵀ·x, db += Σₙ dy.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor w, Tensor? b = null)
    {
        if (w.Rank != 2) throw ShapeError("Linear", $"weight must be [out, in], got {w.Describe()}");
        int outF = w.Dim(0), inF = w.Dim(1);
        if (x.Dim(-1) != inF) throw ShapeError("Linear", $"input {x.Describe()} has {x.Dim(-1)} features, weight {w.Describe()} expects {inF}");
        if (b is not null && (b.Rank != 1 || b.Dim(0) != outF)) throw ShapeError("Linear", $"bias {b.Describe()} must be [{outF}]");
        SameDevice(x, w, "Linear");
        int n = checked((int)(x.Length / inF));
        var shape = x.Dims.ToArray();
        shape[^1] = outF;
        var y = Tensor.Empty(x.Device, shape);
        var k = K(x);
        // The bias goes in first (its row repeated: source stride 0) and the GEMM adds x·wᵀ to it
        // (β = 1), which saves a separate pass over y; the sum is rounded once either way.
        if (b is not null) k.Copy2d(n, outF, b.Buffer, 0, 0, y.Buffer, 0, outF);
        k.Gemm(new GemmArgs(false, true, n, outF, inF, 1f, b is null ? 0f : 1f, inF, inF, outF), x.Buffer, w.Buffer, y.Buffer);

        return Record(Recording(x, w, b), y, dy =>
        {
            if (x.RequiresGrad)
            {
                // A gradient made here is written, not accumulated (β = 0), so it needs no zero fill.
                var dx = x.GradToWrite(out bool overwrite);
                k.Gemm(new GemmArgs(false, false, n, inF, outF, 1f, overwrite ? 0f : 1f, outF, inF, inF), dy.Buffer, w.Buffer, dx.Buffer);
            }
            // Parameter gradients zeroed lazily by the optimizer are written here too (β = 0), not filled and added to.
            if (w.RequiresGrad)
            {
                var dw = w.GradToWrite(out bool overwrite);
                k.Gemm(new GemmArgs(true, false, outF, inF, n, 1f, overwrite ? 0f : 1f, outF, inF, inF), dy.Buffer, x.Buffer, dw.Buffer);
            }
            if (b is { RequiresGrad: true })
            {
                var db = b.GradToWrite(out bool overwrite);
                k.ReduceSum(1, n, outF, dy.Buffer, db.Buffer, 1f, accumulate: !overwrite);
            }
        });
    }

    /// <summary>
    /// y[M,N] = op(a) · op(b) for 2-D a and b (op transposes when flagged).
    /// Backward: da += dy·op(b)ᵀ (transposed back when transA), db likewise.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        if (a.Rank != 2 || b.Rank != 2) throw ShapeError("MatMul", $"needs 2-D operands, got {a.Describe()} and {b.Describe()}");
        SameDevice(a, b, "MatMul");
        int m = transA ? a.Dim(1) : a.Dim(0), ka = transA ? a.Dim(0) : a.Dim(1);
        int kb = transB ? b.Dim(1) : b.Dim(0), n = transB ? b.Dim(0) : b.Dim(1);
        if (ka != kb) throw ShapeError("MatMul", $"inner dimensions differ: {a.Describe()}{(transA ? "ᵀ" : "")} · {b.Describe()}{(transB ? "ᵀ" : "")}");
        var y = Tensor.Empty(a.Device, [m, n]);
        var k = K(a);
        k.Gemm(new GemmArgs(transA, transB, m, n, ka, 1f, 0f, a.Dim(1), b.Dim(1), n), a.Buffer, b.Buffer, y.Buffer);

        return Record(Recording(a, b), y, dy =>
        {
            if (a.RequiresGrad)
            {
                // a = [m,k]: da = dy·op(b)ᵀ; a stored transposed ([k,m]): da = op(b)·dyᵀ.
                var args = transA
                    ? new GemmArgs(transB, true, ka, m, n, 1f, 1f, b.Dim(1), n, m)
                    : new GemmArgs(false, !transB, m, ka, n, 1f, 1f, n, b.Dim(1), ka);
                var (first, second) = transA ? (b, dy) : (dy, b);
                k.Gemm(args, first.Buffer, second.Buffer, a.EnsureGrad().Buffer);
            }
            if (b.RequiresGrad)
            {
                // b = [k,n]: db = op(a)ᵀ·dy; b stored transposed ([n,k]): db = dyᵀ·op(a).
                var args = transB
                    ? new GemmArgs(true, transA, n, ka, m, 1f, 1f, n, a.Dim(1), ka)
                    : new GemmArgs(!transA, false, ka, n, m, 1f, 1f, a.Dim(1), n, n);
                var (first, second) = transB ? (dy, a) : (a, dy);
                k.Gemm(args, first.Buffer, second.Buffer, b.EnsureGrad().Buffer);
            }
        });
    }
}
