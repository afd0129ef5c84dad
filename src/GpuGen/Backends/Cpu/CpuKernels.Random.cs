using GpuGen.Random;
using System.Runtime.CompilerServices;

namespace GpuGen.Backends.Cpu;

// Philox4x32-10 fills; the addressing (element e ← block e/4, lane e%4) is documented in Philox.cs.
// A range [start, end) walks the blocks it touches; a block split between two parts of a parallel
// launch is simply computed by both (each element depends on its block alone).
public sealed unsafe partial class CpuKernels
{
    public void UniformFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float lo = 0f, float hi = 1f)
    {
        NonNegative(n, nameof(n));
        CpuParallel.For(n, new UniformJob(F(x, n, nameof(x)), seed, stream, offset, lo, hi), CpuParallel.Heavy);
    }

    public void GaussianFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, float mean = 0f, float std = 1f)
    {
        NonNegative(n, nameof(n));
        CpuParallel.For(n, new GaussianJob(F(x, n, nameof(x)), seed, stream, offset, mean, std), CpuParallel.Heavy);
    }

    public void UniformIntFill(long n, ulong seed, ulong stream, ulong offset, DeviceBuffer x, int lo, int hi)
    {
        NonNegative(n, nameof(n));
        if (hi <= lo) throw new ArgumentOutOfRangeException(nameof(hi), hi, $"the range [{lo}, {hi}) is empty");
        CpuParallel.For(n, new UniformIntJob(I(x, n, nameof(x)), seed, stream, offset, lo, hi), CpuParallel.Heavy);
    }

    private readonly struct UniformJob(float* x, ulong seed, ulong stream, ulong offset, float lo, float hi) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            uint* w = stackalloc uint[4];
            float range = hi - lo;
            for (long i = start; i < end;)
            {
                ulong e = offset + (ulong)i;
                (w[0], w[1], w[2], w[3]) = Philox.Block(seed, stream, e / 4);
                for (int lane = (int)(e % 4); lane < 4 && i < end; lane++, i++)
                    x[i] = lo + range * Philox.Uniform(w[lane]);
            }
        }
    }

    private readonly struct GaussianJob(float* x, ulong seed, ulong stream, ulong offset, float mean, float std) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            float* z = stackalloc float[4];
            for (long i = start; i < end;)
            {
                ulong e = offset + (ulong)i;
                (z[0], z[1], z[2], z[3]) = Philox.Gaussian4(seed, stream, e / 4);
                for (int lane = (int)(e % 4); lane < 4 && i < end; lane++, i++)
                    x[i] = mean + std * z[lane];
            }
        }
    }

    private readonly struct UniformIntJob(int* x, ulong seed, ulong stream, ulong offset, int lo, int hi) : IRangeKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(long start, long end)
        {
            uint* w = stackalloc uint[4];
            for (long i = start; i < end;)
            {
                ulong e = offset + (ulong)i;
                (w[0], w[1], w[2], w[3]) = Philox.Block(seed, stream, e / 4);
                for (int lane = (int)(e % 4); lane < 4 && i < end; lane++, i++)
                    x[i] = Philox.UniformInt(w[lane], lo, hi);
            }
        }
    }
}
