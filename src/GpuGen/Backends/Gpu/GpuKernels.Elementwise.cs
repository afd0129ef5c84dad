namespace GpuGen.Backends.Gpu;

// kernels/elementwise.cl: Fill, Axpby, Unary (+ backward), Binary, Copy2d.
internal sealed partial class GpuKernels
{
    private const string Elementwise = "elementwise.cl";

    /// <summary>Work-group of 2-D launches: 32 columns × 8 rows.</summary>
    private const int Cols2d = 32, Rows2d = 8;

    public void Fill(long n, float value, DeviceBuffer x)
    {
        int count = Count(n, nameof(n));
        Need(x, n, nameof(x));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int(count);
        a.Float(value);
        a.Buffer(x);
        Launch(Elementwise, "fill", LaunchGrid.Linear(count, flat), a);
    }

    public void Axpby(long n, float alpha, DeviceBuffer x, float beta, DeviceBuffer y)
    {
        int count = Count(n, nameof(n));
        Need(x, n, nameof(x));
        Need(y, n, nameof(y));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int(count);
        a.Float(alpha);
        a.Buffer(x);
        a.Float(beta);
        a.Buffer(y);
        Launch(Elementwise, "axpby", LaunchGrid.Linear(count, flat), a);
    }

    public void Unary(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, float param = 0f, bool accumulate = false)
    {
        int count = Count(n, nameof(n));
        CheckOp(op);
        Need(x, n, nameof(x));
        Need(y, n, nameof(y));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int((int)op);
        a.Int(count);
        a.Buffer(x);
        a.Buffer(y);
        a.Float(param);
        a.Bool(accumulate);
        Launch(Elementwise, "unary", LaunchGrid.Linear(count, flat), a);
    }

    public void UnaryBackward(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, float param = 0f, bool accumulate = true)
    {
        int count = Count(n, nameof(n));
        CheckOp(op);
        Need(x, n, nameof(x));
        Need(y, n, nameof(y));
        Need(dy, n, nameof(dy));
        Need(dx, n, nameof(dx));
        if (count == 0) return;
        var a = new KernelArgs();
        a.Int((int)op);
        a.Int(count);
        a.Buffer(x);
        a.Buffer(y);
        a.Buffer(dy);
        a.Buffer(dx);
        a.Float(param);
        a.Bool(accumulate);
        Launch(Elementwise, "unary_backward", LaunchGrid.Linear(count, flat), a);
    }

    public void Binary(BinaryOp op, int rows, int cols, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer y, bool accumulate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(cols, nameof(cols));
        if (op is not (BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul)) throw new ArgumentOutOfRangeException(nameof(op), op, "unknown binary op");
        long n = Count((long)rows * cols, "rows·cols");
        long bLength = broadcast switch
        {
            Broadcast.None => n,
            Broadcast.Row => cols,
            Broadcast.Column => rows,
            Broadcast.Scalar => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(broadcast), broadcast, "unknown broadcast"),
        };
        if (n == 0) return;
        Need(a, n, nameof(a));
        Need(b, bLength, nameof(b));
        Need(y, n, nameof(y));
        var args = new KernelArgs();
        args.Int((int)op);
        args.Int(rows);
        args.Int(cols);
        args.Buffer(a);
        args.Buffer(b);
        args.Int((int)broadcast);
        args.Buffer(y);
        args.Bool(accumulate);
        Launch(Elementwise, "binary", LaunchGrid.Planar(cols, rows, Cols2d, Rows2d), args);
    }

    public void Copy2d(int rows, int cols, DeviceBuffer src, long srcOffset, int srcStride,
        DeviceBuffer dst, long dstOffset, int dstStride, bool accumulate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(cols, nameof(cols));
        ArgumentOutOfRangeException.ThrowIfNegative(srcOffset, nameof(srcOffset));
        ArgumentOutOfRangeException.ThrowIfNegative(dstOffset, nameof(dstOffset));
        if (rows == 0 || cols == 0) return;
        ArgumentOutOfRangeException.ThrowIfNegative(srcStride, nameof(srcStride));
        if (dstStride < cols && rows > 1) throw new ArgumentOutOfRangeException(nameof(dstStride), dstStride, $"rows of {cols} elements overlap");
        long srcEnd = srcOffset + (long)(rows - 1) * srcStride + cols, dstEnd = dstOffset + (long)(rows - 1) * dstStride + cols;
        Need(src, srcEnd, nameof(src));
        Need(dst, dstEnd, nameof(dst));
        Count(srcEnd, nameof(src));
        Count(dstEnd, nameof(dst));
        var a = new KernelArgs();
        a.Int(rows);
        a.Int(cols);
        a.Buffer(src);
        a.Int((int)srcOffset);
        a.Int(srcStride);
        a.Buffer(dst);
        a.Int((int)dstOffset);
        a.Int(dstStride);
        a.Bool(accumulate);
        Launch(Elementwise, "copy2d", LaunchGrid.Planar(cols, rows, Cols2d, Rows2d), a);
    }

    private static void CheckOp(UnaryOp op)
    {
        if (op < UnaryOp.Identity || op > UnaryOp.Scale) throw new ArgumentOutOfRangeException(nameof(op), op, "unknown unary op");
    }
}
