using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/ElementwiseKernels.cs: Fill, Axpby, Unary (+ backward), Binary, Copy2d.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, int, float, ArrayView<float>>? fill;
    private Action<KernelConfig, int, float, ArrayView<float>, float, ArrayView<float>>? axpby;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, float, int>? unary;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int>? unaryBackward;
    private Action<KernelConfig, int, int, int, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int>? binary;
    private Action<KernelConfig, int, int, ArrayView<float>, int, ArrayView<float>, int, int>? copy2d;

    public void Fill(long n, float value, DeviceBuffer x)
    {
        int count = Count(n, nameof(n));
        Need(x, n, nameof(x));
        if (count == 0) return;
        lock (gate)
            Load(ref fill, nameof(ElementwiseKernels.Fill), static a => a.LoadStreamKernel<int, float, ArrayView<float>>(ElementwiseKernels.Fill))
                (Flat(count), count, value, F(x));
    }

    public void Axpby(long n, float alpha, DeviceBuffer x, float beta, DeviceBuffer y)
    {
        int count = Count(n, nameof(n));
        Need(x, n, nameof(x));
        Need(y, n, nameof(y));
        if (count == 0) return;
        lock (gate)
            Load(ref axpby, nameof(ElementwiseKernels.Axpby),
                static a => a.LoadStreamKernel<int, float, ArrayView<float>, float, ArrayView<float>>(ElementwiseKernels.Axpby))
                (Flat(count), count, alpha, F(x), beta, F(y));
    }

    public void Unary(UnaryOp op, long n, DeviceBuffer x, DeviceBuffer y, float param = 0f, bool accumulate = false)
    {
        int count = Count(n, nameof(n));
        CheckOp(op);
        Need(x, n, nameof(x));
        Need(y, n, nameof(y));
        if (count == 0) return;
        lock (gate)
            Load(ref unary, nameof(ElementwiseKernels.Unary),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, float, int>(ElementwiseKernels.Unary))
                (Flat(count), (int)op, count, F(x), F(y), param, Flag(accumulate));
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
        lock (gate)
            Load(ref unaryBackward, nameof(ElementwiseKernels.UnaryBackward),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int>(ElementwiseKernels.UnaryBackward))
                (Flat(count), (int)op, count, F(x), F(y), F(dy), F(dx), param, Flag(accumulate));
    }

    public void Binary(BinaryOp op, int rows, int cols, DeviceBuffer a, DeviceBuffer b, Broadcast broadcast, DeviceBuffer y, bool accumulate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(cols, nameof(cols));
        if (op is not (BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul)) throw new ArgumentOutOfRangeException(nameof(op), op, "unknown binary op");
        int n = Count((long)rows * cols, "rows·cols");
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
        lock (gate)
            Load(ref binary, nameof(ElementwiseKernels.Binary),
                static k => k.LoadStreamKernel<int, int, int, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int>(ElementwiseKernels.Binary))
                (Flat(n), (int)op, rows, cols, F(a), F(b), (int)broadcast, F(y), Flag(accumulate));
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
        int n = Count((long)rows * cols, "rows·cols");
        var s = F(src);
        var d = F(dst);
        lock (gate)
            Load(ref copy2d, nameof(ElementwiseKernels.Copy2d),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, int, ArrayView<float>, int, int>(ElementwiseKernels.Copy2d))
                (Flat(n), rows, cols, s.SubView(srcOffset, srcEnd - srcOffset), srcStride, d.SubView(dstOffset, dstEnd - dstOffset), dstStride, Flag(accumulate));
    }

    private static void CheckOp(UnaryOp op)
    {
        if (op < UnaryOp.Identity || op > UnaryOp.Scale) throw new ArgumentOutOfRangeException(nameof(op), op, "unknown unary op");
    }
}
