namespace GpuGen.Backends.Gpu;

// kernels/random.cl: Philox4x32-10 fills, one work-item per block of four elements.
internal sealed partial class GpuKernels
{
    private const string RandomFile = "random.cl";

    public void UniformFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float lo = 0f, float hi = 1f)
    {
        var a = RandomArgs(n, seed, stream, offset, x, out var grid);
        if (grid is not { } g) return;
        a.Float(lo);
        a.Float(hi);
        Launch(RandomFile, "uniform_fill", g, a);
    }

    public void GaussianFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float mean = 0f, float std = 1f)
    {
        var a = RandomArgs(n, seed, stream, offset, x, out var grid);
        if (grid is not { } g) return;
        a.Float(mean);
        a.Float(std);
        Launch(RandomFile, "gaussian_fill", g, a);
    }

    public void UniformIntFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, int lo, int hi)
    {
        if (hi <= lo) throw new ArgumentOutOfRangeException(nameof(hi), hi, $"the range [{lo}, {hi}) is empty");
        var a = RandomArgs(n, seed, stream, offset, x, out var grid);
        if (grid is not { } g) return;
        a.Int(lo);
        a.Int(hi);
        Launch(RandomFile, "uniform_int_fill", g, a);
    }

    /// <summary>(n, seed, stream, offset, x) and one work-item per Philox block the fill touches; no grid when n = 0.</summary>
    private KernelArgs RandomArgs(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, out LaunchGrid? grid)
    {
        int count = Count(n, nameof(n));
        Need(x, n, nameof(x));
        var a = new KernelArgs();
        a.Int(count);
        a.ULong(seed);
        a.ULong(stream);
        a.ULong(offset);
        a.Buffer(x);
        ulong blocks = count == 0 ? 0 : (offset + (ulong)count - 1) / 4 - offset / 4 + 1;
        grid = count == 0 ? null : LaunchGrid.Linear((long)blocks, flat);
        return a;
    }
}
