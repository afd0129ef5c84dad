using ILGPU;

namespace GpuGen.Kernels;

/// <summary>
/// Philox4x32-10 fills (addressing in <see cref="PhiloxDevice"/>): a thread takes whole Philox blocks
/// of four elements. Element e = offset + i sits in block e/4, lane e%4; the fill touches blocks
/// first = offset/4 … (offset + n − 1)/4, and the grid-stride loop walks them.
/// </summary>
public static class RandomKernels
{
    /// <summary>Blocks of four a fill of n elements at offset touches.</summary>
    public static long Blocks(long n, ulong offset) => n == 0 ? 0 : (long)((offset + (ulong)n - 1) / 4 - offset / 4 + 1);

    /// <summary>x[i] = lo + (hi − lo)·u of element offset + i.</summary>
    public static void UniformFill(int n, ulong seed, ulong stream, ulong offset, ArrayView<float> x, float lo, float hi)
    {
        long blocks = Blocks(n, offset);
        float range = hi - lo;
        for (long j = DeviceMath.Start; j < blocks; j += DeviceMath.Stride)
        {
            ulong block = offset / 4 + (ulong)j;
            var w = PhiloxDevice.Block(seed, stream, block);
            for (int lane = 0; lane < 4; lane++)
            {
                ulong e = block * 4 + (ulong)lane;
                if (e >= offset && e < offset + (ulong)n) x[(long)(e - offset)] = lo + range * PhiloxDevice.Uniform(w.Lane(lane));
            }
        }
    }

    /// <summary>x[i] = mean + std·z of element offset + i (Box–Muller).</summary>
    public static void GaussianFill(int n, ulong seed, ulong stream, ulong offset, ArrayView<float> x, float mean, float std)
    {
        long blocks = Blocks(n, offset);
        for (long j = DeviceMath.Start; j < blocks; j += DeviceMath.Stride)
        {
            ulong block = offset / 4 + (ulong)j;
            var w = PhiloxDevice.Block(seed, stream, block);
            for (int lane = 0; lane < 4; lane++)
            {
                ulong e = block * 4 + (ulong)lane;
                if (e >= offset && e < offset + (ulong)n) x[(long)(e - offset)] = mean + std * PhiloxDevice.Gaussian(w, lane);
            }
        }
    }

    /// <summary>int x[i] uniform in [lo, hi) from element offset + i.</summary>
    public static void UniformIntFill(int n, ulong seed, ulong stream, ulong offset, ArrayView<int> x, int lo, int hi)
    {
        long blocks = Blocks(n, offset);
        for (long j = DeviceMath.Start; j < blocks; j += DeviceMath.Stride)
        {
            ulong block = offset / 4 + (ulong)j;
            var w = PhiloxDevice.Block(seed, stream, block);
            for (int lane = 0; lane < 4; lane++)
            {
                ulong e = block * 4 + (ulong)lane;
                if (e >= offset && e < offset + (ulong)n) x[(long)(e - offset)] = PhiloxDevice.UniformInt(w.Lane(lane), lo, hi);
            }
        }
    }

    /// <summary>
    /// Inverted dropout: y = keep ? x·scale : 0 (y += … with accumulate), keep = u ≥ p for the uniform of
    /// element offset + i; scale = 1/(1 − p) (0 for p = 1) from the host. The mask is never stored.
    /// </summary>
    public static void Dropout(int n, float p, float scale, ulong seed, ulong stream, ulong offset, ArrayView<float> x, ArrayView<float> y, int accumulate)
    {
        long blocks = Blocks(n, offset);
        for (long j = DeviceMath.Start; j < blocks; j += DeviceMath.Stride)
        {
            ulong block = offset / 4 + (ulong)j;
            var w = PhiloxDevice.Block(seed, stream, block);
            for (int lane = 0; lane < 4; lane++)
            {
                ulong e = block * 4 + (ulong)lane;
                if (e < offset || e >= offset + (ulong)n) continue;
                long i = (long)(e - offset);
                float v = PhiloxDevice.Uniform(w.Lane(lane)) >= p ? x[i] * scale : 0f;
                y[i] = accumulate != 0 ? y[i] + v : v;
            }
        }
    }
}
