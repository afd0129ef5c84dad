using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/CouplingKernels.cs: affine and additive coupling, the dequantizing logit transform. Kernels
// with a per-row log-determinant launch one group per row.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? affine;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? affineBackward;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>? additive;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, float, ArrayView<float>, ArrayView<float>, int, int>? additiveBackward;
    private Action<KernelConfig, int, int, ArrayView<float>, ArrayView<float>, float, float, float, ArrayView<float>, ArrayView<float>>? dequantizeLogit;

    public void AffineCouplingForward(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer t,
        DeviceBuffer y, DeviceBuffer logdet, bool accumulateLogdet = false) =>
        Affine(rows, dim, x, nameof(x), mask, sRaw, t, y, nameof(y), logdet, accumulateLogdet, inverse: false);

    public void AffineCouplingInverse(int rows, int dim, DeviceBuffer y, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer t,
        DeviceBuffer x, DeviceBuffer logdet, bool accumulateLogdet = false) =>
        Affine(rows, dim, y, nameof(y), mask, sRaw, t, x, nameof(x), logdet, accumulateLogdet, inverse: true);

    public void AffineCouplingBackward(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer dy,
        DeviceBuffer? dLogdet, DeviceBuffer? dx, DeviceBuffer? dsRaw, DeviceBuffer? dt, bool accumulate = true)
    {
        int n = CouplingSize(rows, dim);
        Need(x, n, nameof(x));
        Need(mask, dim, nameof(mask));
        Need(sRaw, n, nameof(sRaw));
        Need(dy, n, nameof(dy));
        if (dLogdet is not null) Need(dLogdet, rows, nameof(dLogdet));
        if (dx is not null) Need(dx, n, nameof(dx));
        if (dsRaw is not null) Need(dsRaw, n, nameof(dsRaw));
        if (dt is not null) Need(dt, n, nameof(dt));
        if (n == 0) return;
        int flags = Flag(dLogdet is not null) | Flag(dx is not null) << 1 | Flag(dsRaw is not null) << 2 | Flag(dt is not null) << 3 | Flag(accumulate) << 4;
        lock (gate)
            Load(ref affineBackward, nameof(CouplingKernels.AffineBackward),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(CouplingKernels.AffineBackward))
                (Flat(n), rows, dim, F(x), F(mask), F(sRaw), F(dy), F(dLogdet), F(dx), F(dsRaw), F(dt), flags);
    }

    public void AdditiveCoupling(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer t, DeviceBuffer y, float sign)
    {
        int n = CouplingSize(rows, dim);
        Need(x, n, nameof(x));
        Need(mask, dim, nameof(mask));
        Need(t, n, nameof(t));
        Need(y, n, nameof(y));
        if (n == 0) return;
        lock (gate)
            Load(ref additive, nameof(CouplingKernels.Additive),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(CouplingKernels.Additive))
                (Flat(n), rows, dim, F(x), F(mask), F(t), F(y), sign);
    }

    public void AdditiveCouplingBackward(int rows, int dim, DeviceBuffer mask, DeviceBuffer dy, float sign, DeviceBuffer? dx, DeviceBuffer? dt)
    {
        int n = CouplingSize(rows, dim);
        Need(mask, dim, nameof(mask));
        Need(dy, n, nameof(dy));
        if (dx is not null) Need(dx, n, nameof(dx));
        if (dt is not null) Need(dt, n, nameof(dt));
        if (n == 0) return;
        lock (gate)
            Load(ref additiveBackward, nameof(CouplingKernels.AdditiveBackward),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, float, ArrayView<float>, ArrayView<float>, int, int>(CouplingKernels.AdditiveBackward))
                (Flat(n), rows, dim, F(mask), F(dy), sign, F(dx), F(dt), Flag(dx is not null), Flag(dt is not null));
    }

    public void DequantizeLogit(int rows, int dim, DeviceBuffer v, DeviceBuffer u, float alpha, float levels, DeviceBuffer y, DeviceBuffer logdet)
    {
        int n = CouplingSize(rows, dim);
        if (!(alpha >= 0 && alpha < 0.5f)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be in [0, ½)");
        if (!(levels >= 1)) throw new ArgumentOutOfRangeException(nameof(levels), levels, "the number of levels must be at least 1");
        Need(v, n, nameof(v));
        Need(u, n, nameof(u));
        Need(y, n, nameof(y));
        Need(logdet, rows, nameof(logdet));
        if (rows == 0) return;
        // The per-row constant dim·(ln(1 − 2α) − ln levels), in float64 like the CPU twin.
        float offset = (float)(dim * (Math.Log(1.0 - 2.0 * alpha) - Math.Log(levels)));
        lock (gate)
            Load(ref dequantizeLogit, nameof(CouplingKernels.DequantizeLogit),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, float, float, float, ArrayView<float>, ArrayView<float>>(CouplingKernels.DequantizeLogit))
                (Rows(rows), rows, dim, F(v), F(u), alpha, levels, offset, F(y), F(logdet));
    }

    private void Affine(int rows, int dim, DeviceBuffer input, string inputName, DeviceBuffer mask, DeviceBuffer sRaw, DeviceBuffer t,
        DeviceBuffer output, string outputName, DeviceBuffer logdet, bool accumulate, bool inverse)
    {
        int n = CouplingSize(rows, dim);
        Need(input, n, inputName);
        Need(mask, dim, nameof(mask));
        Need(sRaw, n, nameof(sRaw));
        Need(t, n, nameof(t));
        Need(output, n, outputName);
        Need(logdet, rows, nameof(logdet));
        if (rows == 0) return;
        lock (gate)
            Load(ref affine, nameof(CouplingKernels.Affine),
                static a => a.LoadStreamKernel<int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(CouplingKernels.Affine))
                (Rows(rows), rows, dim, F(input), F(mask), F(sRaw), F(t), F(output), F(logdet), Flag(accumulate), Flag(inverse));
    }

    private static int CouplingSize(int rows, int dim)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(dim));
        return Count((long)rows * dim, "rows·dim");
    }
}
