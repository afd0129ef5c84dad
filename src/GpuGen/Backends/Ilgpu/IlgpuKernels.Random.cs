using ILGPU;
using ILGPU.Runtime;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

// kernels/RandomKernels.cs: Philox4x32-10 fills, a thread per block of four elements.
internal sealed partial class IlgpuKernels
{
    private Action<KernelConfig, int, ulong, ulong, ulong, ArrayView<float>, float, float>? uniformFill, gaussianFill;
    private Action<KernelConfig, int, ulong, ulong, ulong, ArrayView<int>, int, int>? uniformIntFill;

    public void UniformFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float lo = 0f, float hi = 1f)
    {
        int count = RandomArgs(n, x);
        if (count == 0) return;
        lock (gate)
            Load(ref uniformFill, nameof(RandomKernels.UniformFill),
                static a => a.LoadStreamKernel<int, ulong, ulong, ulong, ArrayView<float>, float, float>(RandomKernels.UniformFill))
                (Flat(RandomKernels.Blocks(count, offset)), count, seed, stream, offset, F(x), lo, hi);
    }

    public void GaussianFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float mean = 0f, float std = 1f)
    {
        int count = RandomArgs(n, x);
        if (count == 0) return;
        lock (gate)
            Load(ref gaussianFill, nameof(RandomKernels.GaussianFill),
                static a => a.LoadStreamKernel<int, ulong, ulong, ulong, ArrayView<float>, float, float>(RandomKernels.GaussianFill))
                (Flat(RandomKernels.Blocks(count, offset)), count, seed, stream, offset, F(x), mean, std);
    }

    public void UniformIntFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, int lo, int hi)
    {
        if (hi <= lo) throw new ArgumentOutOfRangeException(nameof(hi), hi, $"the range [{lo}, {hi}) is empty");
        int count = RandomArgs(n, x);
        if (count == 0) return;
        lock (gate)
            Load(ref uniformIntFill, nameof(RandomKernels.UniformIntFill),
                static a => a.LoadStreamKernel<int, ulong, ulong, ulong, ArrayView<int>, int, int>(RandomKernels.UniformIntFill))
                (Flat(RandomKernels.Blocks(count, offset)), count, seed, stream, offset, I(x), lo, hi);
    }

    private static int RandomArgs(long n, DeviceBuffer x)
    {
        int count = Count(n, nameof(n));
        Need(x, n, nameof(x));
        return count;
    }
}
