namespace GpuGen.Backends.Gpu;

// kernels/reduce.cl: ReduceSum and the row softmax (one work-group per row).
internal sealed partial class GpuKernels
{
    private const string Reduce = "reduce.cl";

    public void ReduceSum(int outer, int mid, int inner, DeviceBuffer x, DeviceBuffer y, float alpha = 1f, bool accumulate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outer, nameof(outer));
        ArgumentOutOfRangeException.ThrowIfNegative(mid, nameof(mid));
        ArgumentOutOfRangeException.ThrowIfNegative(inner, nameof(inner));
        long ny = Count((long)outer * inner, "outer·inner");
        if (ny == 0) return;
        Need(x, Count(ny * mid, "outer·mid·inner"), nameof(x));
        Need(y, ny, nameof(y));
        var a = new KernelArgs();
        if (inner == 1)
        {
            // One work-group per row: the row's sum is split over the group, then added pairwise.
            a.Int(mid);
            a.Buffer(x);
            a.Buffer(y);
            a.Float(alpha);
            a.Bool(accumulate);
            Launch(Reduce, "reduce_sum_rows", LaunchGrid.Groups(outer, group), a);
            return;
        }
        a.Int(outer);
        a.Int(mid);
        a.Int(inner);
        a.Buffer(x);
        a.Buffer(y);
        a.Float(alpha);
        a.Bool(accumulate);
        Launch(Reduce, "reduce_sum_columns", LaunchGrid.Planar(inner, outer, Cols2d, Rows2d), a);
    }

    public void Softmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y, bool log)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(cols, nameof(cols));
        long n = Count((long)rows * cols, "rows·cols");
        if (n == 0) return;
        Need(x, n, nameof(x));
        Need(y, n, nameof(y));
        var a = new KernelArgs();
        a.Int(cols);
        a.Buffer(x);
        a.Buffer(y);
        a.Bool(log);
        Launch(Reduce, "softmax_rows", LaunchGrid.Groups(rows, group), a);
    }

    public void SoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, bool log)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(cols, nameof(cols));
        long n = Count((long)rows * cols, "rows·cols");
        if (n == 0) return;
        Need(y, n, nameof(y));
        Need(dy, n, nameof(dy));
        Need(dx, n, nameof(dx));
        var a = new KernelArgs();
        a.Int(cols);
        a.Buffer(y);
        a.Buffer(dy);
        a.Buffer(dx);
        a.Bool(log);
        Launch(Reduce, "softmax_backward_rows", LaunchGrid.Groups(rows, group), a);
    }
}
