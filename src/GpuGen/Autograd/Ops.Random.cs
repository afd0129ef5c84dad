using GpuGen.Tensors;

namespace GpuGen.Autograd;

/// <summary>
/// Random tensors from Philox4x32-10, addressed by (seed, stream, offset): element i of a draw is
/// the stream's element offset + i, so any slice is reproducible alone and every backend draws the
/// same numbers. Not differentiable (nothing flows back into noise).
/// </summary>
public static partial class Ops
{
    /// <summary>A new tensor of <paramref name="shape"/>, uniform in [lo, hi).</summary>
    public static Tensor Uniform(Device device, int[] shape, ulong seed, ulong stream, ulong offset = 0, float lo = 0f, float hi = 1f)
    {
        var t = Tensor.Empty(device, shape);
        device.Kernels.UniformFill(t.Length, seed, stream, offset, t.Storage, lo, hi);
        return t;
    }

    /// <summary>A new tensor of <paramref name="shape"/>, mean + std·z with z standard normal (Box–Muller).</summary>
    public static Tensor Gaussian(Device device, int[] shape, ulong seed, ulong stream, ulong offset = 0, float mean = 0f, float std = 1f)
    {
        var t = Tensor.Empty(device, shape);
        device.Kernels.GaussianFill(t.Length, seed, stream, offset, t.Storage, mean, std);
        return t;
    }

    /// <summary>A new int tensor [n], uniform in [lo, hi).</summary>
    public static Tensor UniformInts(Device device, int n, ulong seed, ulong stream, ulong offset, int lo, int hi)
    {
        var t = Tensor.Empty(device, [n], DType.Int32);
        device.Kernels.UniformIntFill(n, seed, stream, offset, t.Storage, lo, hi);
        return t;
    }
}
