using GpuGen.Backends;
using GpuGen.Tensors;

namespace GpuGen.Autograd;

public static partial class Ops
{
    /// <summary>y = a + b, b of a's shape, a trailing suffix of it (a bias), [a₀,1,…] (per example) or one element.</summary>
    public static Tensor Add(Tensor a, Tensor b) => Binary(BinaryOp.Add, a, b);

    /// <summary>y = a − b, broadcasting b as in <see cref="Add"/>.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => Binary(BinaryOp.Sub, a, b);

    /// <summary>y = a ⊙ b, broadcasting b as in <see cref="Add"/>.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => Binary(BinaryOp.Mul, a, b);

    /// <summary>
    /// y[r,c] = a[r,c] op b[broadcast(r,c)] over a viewed as [rows, cols].
    /// Backward: da += dy (⊙ b for Mul); db += Σ over the broadcast axes of ±dy (⊙ a for Mul).
    /// </summary>
    private static Tensor Binary(BinaryOp op, Tensor a, Tensor b)
    {
        SameDevice(a, b, op.ToString());
        var (mode, rows, cols) = BroadcastOf(a, b, op.ToString());
        var y = Tensor.Empty(a.Device, a.Dims);
        var k = K(a);
        k.Binary(op, rows, cols, a.Buffer, b.Buffer, mode, y.Buffer);

        return Record(Recording(a, b), y, dy =>
        {
            if (a.RequiresGrad)
            {
                // A gradient made here is written, not accumulated, so it needs no zero fill.
                var da = a.GradToWrite(out bool overwrite).Buffer;
                if (op == BinaryOp.Mul) k.Binary(BinaryOp.Mul, rows, cols, dy.Buffer, b.Buffer, mode, da, accumulate: !overwrite);
                else k.Axpby(a.Length, 1f, dy.Buffer, overwrite ? 0f : 1f, da);
            }
            if (b.RequiresGrad)
            {
                float sign = op == BinaryOp.Sub ? -1f : 1f;
                var db = b.GradToWrite(out bool overwrite).Buffer;
                Tensor? product = null;
                var source = dy.Buffer;
                if (op == BinaryOp.Mul)
                {
                    product = Tensor.Empty(a.Device, a.Dims);
                    k.Binary(BinaryOp.Mul, rows, cols, dy.Buffer, a.Buffer, Broadcast.None, product.Buffer);
                    source = product.Buffer;
                }
                switch (mode)
                {
                    case Broadcast.None: k.Axpby(a.Length, sign, source, overwrite ? 0f : 1f, db); break;
                    case Broadcast.Row: k.ReduceSum(1, rows, cols, source, db, sign, accumulate: !overwrite); break;
                    case Broadcast.Column: k.ReduceSum(rows, cols, 1, source, db, sign, accumulate: !overwrite); break;
                    case Broadcast.Scalar: k.ReduceSum(1, rows * cols, 1, source, db, sign, accumulate: !overwrite); break;
                }
                product?.Dispose();
            }
        });
    }

    private static (Broadcast Mode, int Rows, int Cols) BroadcastOf(Tensor a, Tensor b, string op)
    {
        int n = checked((int)a.Length);
        if (Shape.Equal(a.Dims, b.Dims)) return (Broadcast.None, 1, n);
        if (b.Length == 1) return (Broadcast.Scalar, 1, n);
        // b's dims equal a trailing suffix of a's dims (leading 1s allowed): a bias over rows.
        var bd = b.Dims.SkipWhile(d => d == 1).ToArray();
        if (bd.Length <= a.Rank && a.Dims.AsSpan(a.Rank - bd.Length).SequenceEqual(bd))
            return (Broadcast.Row, n / (int)b.Length, (int)b.Length);
        // b is [a₀] or [a₀,1,…,1]: one value per leading index.
        if (b.Dim(0) == a.Dim(0) && b.Length == a.Dim(0))
            return (Broadcast.Column, a.Dim(0), n / a.Dim(0));
        throw ShapeError(op, $"cannot broadcast {b.Describe()} against {a.Describe()}");
    }

    /// <summary>y = s·x. Backward: dx += s·dy.</summary>
    public static Tensor Scale(Tensor x, float s) => Unary(UnaryOp.Scale, x, s);

    public static Tensor Relu(Tensor x) => Unary(UnaryOp.Relu, x);

    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f) => Unary(UnaryOp.LeakyRelu, x, slope);

    public static Tensor Silu(Tensor x) => Unary(UnaryOp.Silu, x);

    public static Tensor Tanh(Tensor x) => Unary(UnaryOp.Tanh, x);

    public static Tensor Sigmoid(Tensor x) => Unary(UnaryOp.Sigmoid, x);

    public static Tensor Gelu(Tensor x) => Unary(UnaryOp.Gelu, x);

    public static Tensor Exp(Tensor x) => Unary(UnaryOp.Exp, x);

    public static Tensor Log(Tensor x) => Unary(UnaryOp.Log, x);

    public static Tensor Square(Tensor x) => Unary(UnaryOp.Square, x);

    public static Tensor Neg(Tensor x) => Unary(UnaryOp.Neg, x);

    /// <summary>y = f(x) element-wise. Backward: dx += f′(x)·dy.</summary>
    public static Tensor Unary(UnaryOp op, Tensor x, float param = 0f)
    {
        x.RequireType(DType.Float32);
        var y = Tensor.Empty(x.Device, x.Dims);
        var k = K(x);
        k.Unary(op, x.Length, x.Buffer, y.Buffer, param);
        return Record(Recording(x), y, dy =>
        {
            var dx = x.GradToWrite(out bool overwrite);
            k.UnaryBackward(op, x.Length, x.Buffer, y.Buffer, dy.Buffer, dx.Buffer, param, accumulate: !overwrite);
        });
    }
}
