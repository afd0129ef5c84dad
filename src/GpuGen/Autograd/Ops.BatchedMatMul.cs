using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>
    /// y[b] = op(a[b]) · op(b[b]) for 3-D a [B,·,·] and b [B,·,·] (op transposes when flagged): one
    /// batched GEMM. Backward as <see cref="MatMul"/>, per batch entry: da += dy·op(b)ᵀ, db += op(a)ᵀ·dy
    /// (transposed back when the operand was given transposed).
    /// </summary>
    public static Tensor BatchedMatMul(Tensor a, Tensor b, bool transA = false, bool transB = false)
    {
        if (a.Rank != 3 || b.Rank != 3 || a.Dim(0) != b.Dim(0))
            throw ShapeError("BatchedMatMul", $"needs 3-D operands with the same batch, got {a.Describe()} and {b.Describe()}");
        SameDevice(a, b, "BatchedMatMul");
        int batch = a.Dim(0);
        int m = transA ? a.Dim(2) : a.Dim(1), ka = transA ? a.Dim(1) : a.Dim(2);
        int kb = transB ? b.Dim(2) : b.Dim(1), n = transB ? b.Dim(1) : b.Dim(2);
        if (ka != kb) throw ShapeError("BatchedMatMul", $"inner dimensions differ: {a.Describe()}{(transA ? "ᵀ" : "")} · {b.Describe()}{(transB ? "ᵀ" : "")}");
        int lda = a.Dim(2), ldb = b.Dim(2);
        long sa = (long)a.Dim(1) * lda, sb = (long)b.Dim(1) * ldb, sy = (long)m * n;
        var y = Tensor.Empty(a.Device, [batch, m, n]);
        var k = K(a);
        k.Gemm(new GemmArgs(transA, transB, m, n, ka, 1f, 0f, lda, ldb, n, batch, sa, sb, sy), a.Buffer, b.Buffer, y.Buffer);

        return Record(Recording(a, b), y, dy =>
        {
            if (a.RequiresGrad)
            {
                var (args, first, second) = transA
                    ? (new GemmArgs(transB, true, ka, m, n, 1f, 1f, ldb, n, m, batch, sb, sy, sa), b, dy)
                    : (new GemmArgs(false, !transB, m, ka, n, 1f, 1f, n, ldb, ka, batch, sy, sb, sa), dy, b);
                k.Gemm(args, first.Buffer, second.Buffer, a.EnsureGrad().Buffer);
            }
            if (b.RequiresGrad)
            {
                var (args, first, second) = transB
                    ? (new GemmArgs(true, transA, n, ka, m, 1f, 1f, n, lda, ka, batch, sy, sa, sb), dy, a)
                    : (new GemmArgs(!transA, false, ka, n, m, 1f, 1f, lda, n, n, batch, sa, sy, sb), a, dy);
                k.Gemm(args, first.Buffer, second.Buffer, b.EnsureGrad().Buffer);
            }
        });
    }
}
