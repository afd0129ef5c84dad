using GpuGen.Backends;
using GpuGen.Backends.Ilgpu;

namespace GpuGen.Bench.Parity;

/// <summary>
/// Every method of <see cref="IKernels"/> as parity cases at awkward sizes: odd and prime extents,
/// transposes, batches with strides and offsets, convolutions with stride, padding, dilation and
/// groups, both the overwriting and the accumulating form where a kernel has both. Overwritten outputs
/// start as NaN; accumulated ones (and outputs with gaps a kernel must not touch) start random. Sizes are
/// small so the whole list runs in seconds on ILGPU's CPU accelerator.
/// </summary>
public static partial class ParityCases
{
    /// <summary>The cases for <paramref name="device"/>: all of them, plus the GEMMs through cuBLAS where the device offers it.</summary>
    public static IReadOnlyList<ParityCase> For(IBackend device) => For(device, out _);

    /// <summary>As <see cref="For(IBackend)"/>; <paramref name="noCuBlas"/> says why there are no cuBLAS rows (null when there are).</summary>
    public static IReadOnlyList<ParityCase> For(IBackend device, out string? noCuBlas)
    {
        var cases = new List<ParityCase>();
        cases.AddRange(Linear(cuBlas: false));
        noCuBlas = $"{device.Name} is not a CUDA device";
        if (device is IlgpuBackend { SupportsCuBlas: true } ilgpu)
        {
            bool before = ilgpu.UseCuBlas;
            if (ilgpu.TryUseCuBlas(out noCuBlas)) cases.AddRange(Linear(cuBlas: true));
            ilgpu.UseCuBlas = before;
        }
        cases.AddRange(Elementwise());
        cases.AddRange(Reductions());
        cases.AddRange(Losses());
        cases.AddRange(RandomFills());
        cases.AddRange(Optimizers());
        cases.AddRange(Diffusion());
        cases.AddRange(Convolution());
        cases.AddRange(Coupling());
        cases.AddRange(Layers());
        return cases;
    }

    /// <summary>The names of the <see cref="IKernels"/> methods, for checking that every one has a case.</summary>
    public static IReadOnlyList<string> ContractMethods { get; } =
        typeof(IKernels).GetMethods().Select(m => m.Name).Distinct().Order(StringComparer.Ordinal).ToArray();

    private static ParityCase Case(string kernel, string shape, double tolerance, Func<ParitySide, float[][]> run) =>
        new(kernel, shape, tolerance, run);
}
