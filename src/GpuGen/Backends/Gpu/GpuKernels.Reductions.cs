namespace GpuGen.Backends.Gpu;

// kernels/reduce.cl: ReduceSum. Softmax has no device kernel yet.
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

    public void Softmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y, bool log) => throw NotYet(nameof(Softmax));

    public void SoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, bool log) => throw NotYet(nameof(SoftmaxBackward));
}
