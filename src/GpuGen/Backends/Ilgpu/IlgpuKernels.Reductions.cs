using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/ReductionKernels.cs: ReduceSum and the row softmax (one group per row).
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, float, int>? sumRows;
    private Action<KernelConfig, int, int, int, ArrayView<float>, ArrayView<float>, float, int>? sumColumns;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, int>? softmax;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? softmaxBackward;

    public void ReduceSum(int outer, int mid, int inner, DeviceBuffer x, DeviceBuffer y, float alpha = 1f, bool accumulate = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outer, nameof(outer));
        ArgumentOutOfRangeException.ThrowIfNegative(mid, nameof(mid));
        ArgumentOutOfRangeException.ThrowIfNegative(inner, nameof(inner));
        int ny = Count((long)outer * inner, "outer·inner");
        if (ny == 0) return;
        Need(x, Count((long)ny * mid, "outer·mid·inner"), nameof(x));
        Need(y, ny, nameof(y));
        lock (gate)
        {
            if (inner == 1)
            {
                // One group per row: the row's sum is split over the group, then added pairwise.
                Load(ref sumRows, nameof(ReductionKernels.SumRows),
                    static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, float, int>(ReductionKernels.SumRows))
                    (Rows(outer), outer, mid, F(x), F(y), alpha, Flag(accumulate));
                return;
            }
            Load(ref sumColumns, nameof(ReductionKernels.SumColumns),
                static a => a.LoadStreamKernel<int, int, int, ArrayView<float>, ArrayView<float>, float, int>(ReductionKernels.SumColumns))
                (Flat(ny), outer, mid, inner, F(x), F(y), alpha, Flag(accumulate));
        }
    }

    public void Softmax(int rows, int cols, DeviceBuffer x, DeviceBuffer y, bool log)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(cols, nameof(cols));
        int n = Count((long)rows * cols, "rows·cols");
        if (n == 0) return;
        Need(x, n, nameof(x));
        Need(y, n, nameof(y));
        lock (gate)
            Load(ref softmax, nameof(ReductionKernels.Softmax),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, int>(ReductionKernels.Softmax))
                (Rows(rows), rows, cols, F(x), F(y), Flag(log));
    }

    public void SoftmaxBackward(int rows, int cols, DeviceBuffer y, DeviceBuffer dy, DeviceBuffer dx, bool log)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(cols, nameof(cols));
        int n = Count((long)rows * cols, "rows·cols");
        if (n == 0) return;
        Need(y, n, nameof(y));
        Need(dy, n, nameof(dy));
        Need(dx, n, nameof(dx));
        lock (gate)
            Load(ref softmaxBackward, nameof(ReductionKernels.SoftmaxBackward),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ReductionKernels.SoftmaxBackward))
                (Rows(rows), rows, cols, F(y), F(dy), F(dx), Flag(log));
    }
}
