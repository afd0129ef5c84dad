namespace GpuGen.Backends.Gpu;

// kernels/coupling.cl: affine and additive coupling, the dequantizing logit transform. Kernels with a
// per-row log-determinant launch one work-group (of the reduction size) per row.
internal sealed partial class GpuKernels
{
    private const string Coupling = "coupling.cl";

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
        var a = new KernelArgs();
        a.Int(rows);
        a.Int(dim);
        a.Buffer(x);
        a.Buffer(mask);
        a.Buffer(sRaw);
        a.Buffer(dy);
        a.Buffer(dLogdet);
        a.Buffer(dx);
        a.Buffer(dsRaw);
        a.Buffer(dt);
        a.Bool(dLogdet is not null);
        a.Bool(dx is not null);
        a.Bool(dsRaw is not null);
        a.Bool(dt is not null);
        a.Bool(accumulate);
        Launch(Coupling, "affine_coupling_backward", LaunchGrid.Planar(dim, rows, Cols2d, Rows2d), a);
    }

    public void AdditiveCoupling(int rows, int dim, DeviceBuffer x, DeviceBuffer mask, DeviceBuffer t, DeviceBuffer y, float sign)
    {
        int n = CouplingSize(rows, dim);
        Need(x, n, nameof(x));
        Need(mask, dim, nameof(mask));
        Need(t, n, nameof(t));
        Need(y, n, nameof(y));
        if (n == 0) return;
        var a = new KernelArgs();
        a.Int(rows);
        a.Int(dim);
        a.Buffer(x);
        a.Buffer(mask);
        a.Buffer(t);
        a.Buffer(y);
        a.Float(sign);
        Launch(Coupling, "additive_coupling", LaunchGrid.Planar(dim, rows, Cols2d, Rows2d), a);
    }

    public void AdditiveCouplingBackward(int rows, int dim, DeviceBuffer mask, DeviceBuffer dy, float sign, DeviceBuffer? dx, DeviceBuffer? dt)
    {
        int n = CouplingSize(rows, dim);
        Need(mask, dim, nameof(mask));
        Need(dy, n, nameof(dy));
        if (dx is not null) Need(dx, n, nameof(dx));
        if (dt is not null) Need(dt, n, nameof(dt));
        if (n == 0) return;
        var a = new KernelArgs();
        a.Int(rows);
        a.Int(dim);
        a.Buffer(mask);
        a.Buffer(dy);
        a.Float(sign);
        a.Buffer(dx);
        a.Buffer(dt);
        a.Bool(dx is not null);
        a.Bool(dt is not null);
        Launch(Coupling, "additive_coupling_backward", LaunchGrid.Planar(dim, rows, Cols2d, Rows2d), a);
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
        var a = new KernelArgs();
        a.Int(dim);
        a.Buffer(v);
        a.Buffer(u);
        a.Float(alpha);
        a.Float(levels);
        a.Float((float)(dim * (Math.Log(1 - 2.0 * alpha) - Math.Log(levels))));
        a.Buffer(y);
        a.Buffer(logdet);
        Launch(Coupling, "dequantize_logit", LaunchGrid.Groups(rows, group), a);
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
        var a = new KernelArgs();
        a.Int(dim);
        a.Buffer(input);
        a.Buffer(mask);
        a.Buffer(sRaw);
        a.Buffer(t);
        a.Buffer(output);
        a.Buffer(logdet);
        a.Bool(accumulate);
        a.Bool(inverse);
        Launch(Coupling, "affine_coupling", LaunchGrid.Groups(rows, group), a);
    }

    private static int CouplingSize(int rows, int dim)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows, nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(dim));
        return Count((long)rows * dim, "rows·dim");
    }
}
