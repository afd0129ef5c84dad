using ILGPU;

namespace GpuGen.Kernels;

/// <summary>What a Philox kernel does with element i, given its block's four words and its lane.</summary>
public interface IPhiloxElement
{
    void Write(long i, in PhiloxWords w, int lane);
}

/// <summary>
/// Philox4x32-10 fills and dropout (addressing in <see cref="PhiloxDevice"/>): a thread takes whole Philox
/// blocks of four elements. Element e = offset + i sits in block e/4, lane e%4; a kernel of n elements
/// touches blocks offset/4 … (offset + n − 1)/4, and <see cref="ForEachElement{T}"/>'s grid-stride loop walks
/// them once for every kernel here; each kernel only says what its element gets.
/// </summary>
public static class RandomKernels
{
    /// <summary>Blocks of four a fill of n elements at offset touches.</summary>
    public static long Blocks(long n, ulong offset) => n == 0 ? 0 : (long)((offset + (ulong)n - 1) / 4 - offset / 4 + 1);

    /// <summary>Calls <paramref name="element"/> for every element i &lt; n with the words of block (offset + i)/4.</summary>
    public static void ForEachElement<T>(int n, ulong seed, ulong stream, ulong offset, T element) where T : struct, IPhiloxElement
    {
        long blocks = Blocks(n, offset);
        for (long j = DeviceMath.Start; j < blocks; j += DeviceMath.Stride)
        {
            ulong block = offset / 4 + (ulong)j;
            var w = PhiloxDevice.Block(seed, stream, block);
            for (int lane = 0; lane < 4; lane++)
            {
                ulong e = block * 4 + (ulong)lane;
                if (e >= offset && e < offset + (ulong)n) element.Write((long)(e - offset), w, lane);
            }
        }
    }

    /// <summary>x[i] = lo + (hi − lo)·u of element offset + i.</summary>
    public static void UniformFill(int n, ulong seed, ulong stream, ulong offset, ArrayView<float> x, float lo, float hi) =>
        ForEachElement(n, seed, stream, offset, new Uniform(x, lo, hi - lo));

    /// <summary>x[i] = mean + std·z of element offset + i (Box–Muller).</summary>
    public static void GaussianFill(int n, ulong seed, ulong stream, ulong offset, ArrayView<float> x, float mean, float std) =>
        ForEachElement(n, seed, stream, offset, new Gaussian(x, mean, std));

    /// <summary>int x[i] uniform in [lo, hi) from element offset + i.</summary>
    public static void UniformIntFill(int n, ulong seed, ulong stream, ulong offset, ArrayView<int> x, int lo, int hi) =>
        ForEachElement(n, seed, stream, offset, new UniformInt(x, lo, hi));

    /// <summary>
    /// Inverted dropout: y = keep ? x·scale : 0 (y += … with accumulate), keep = u ≥ p for the uniform of
    /// element offset + i; scale = 1/(1 − p) (0 for p = 1) from the host. The mask is never stored.
    /// </summary>
    public static void Dropout(int n, float p, float scale, ulong seed, ulong stream, ulong offset, ArrayView<float> x, ArrayView<float> y, int accumulate) =>
        ForEachElement(n, seed, stream, offset, new Drop(x, y, p, scale, accumulate != 0));

    private readonly struct Uniform(ArrayView<float> x, float lo, float range) : IPhiloxElement
    {
        public void Write(long i, in PhiloxWords w, int lane) => x[i] = lo + range * PhiloxDevice.Uniform(w.Lane(lane));
    }

    private readonly struct Gaussian(ArrayView<float> x, float mean, float std) : IPhiloxElement
    {
        public void Write(long i, in PhiloxWords w, int lane) => x[i] = mean + std * PhiloxDevice.Gaussian(w, lane);
    }

    private readonly struct UniformInt(ArrayView<int> x, int lo, int hi) : IPhiloxElement
    {
        public void Write(long i, in PhiloxWords w, int lane) => x[i] = PhiloxDevice.UniformInt(w.Lane(lane), lo, hi);
    }

    private readonly struct Drop(ArrayView<float> x, ArrayView<float> y, float p, float scale, bool accumulate) : IPhiloxElement
    {
        public void Write(long i, in PhiloxWords w, int lane)
        {
            float v = PhiloxDevice.Uniform(w.Lane(lane)) >= p ? x[i] * scale : 0f;
            y[i] = accumulate ? y[i] + v : v;
        }
    }
}
