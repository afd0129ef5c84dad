using GpuGen.Backends;
using GpuGen.Backends.Cuda;
using GpuGen.Backends.Gpu;
using GpuGen.Backends.OpenCL;
using GpuGen.Tests.Support;
using Xunit.Abstractions;

namespace GpuGen.Tests.Kernels;

/// <summary>
/// kernels/gemm_fast.cl against the float64 reference of <see cref="GemmTests"/>: sgemm_tiled on every
/// GPU backend (it is portable: PoCL checks it without a GPU), sgemm_tf32 on CUDA devices of compute
/// capability 8.0+ with the TF32 error bound. The fast paths are forced on for every size
/// (MinFastTiles = 1), so ragged tiles, transposes, batches, offsets and β are all exercised.
/// </summary>
public sealed class GemmFastTests(ITestOutputHelper output)
{
    /// <summary>Sizes whose operands allow float4 loads (multiples of 4 where stored contiguously), with ragged 128-tiles.</summary>
    public static IEnumerable<object[]> Cases() =>
        from size in new[] { (4, 4, 4), (132, 36, 20), (128, 128, 8), (260, 136, 100), (12, 260, 44) }
        from t in new[] { (false, false, 0f), (true, false, 1f), (false, true, 0.5f), (true, true, 0f) }
        select new object[] { size.Item1, size.Item2, size.Item3, t.Item1, t.Item2, t.Item3 };

    [Theory]
    [DeviceData("opencl:0", Member = nameof(Cases))]
    [DeviceData("cuda:0", Member = nameof(Cases))]
    public void TiledKernelMatchesReference(string device, int m, int n, int k, bool ta, bool tb, float beta)
    {
        using var kernels = new GpuKernels(Driver(device)) { TiledGemm = true, MinFastTiles = 1 };
        new GemmTests(output).Check(device, GemmArgs.Simple(m, n, k, ta, tb, alpha: -0.7f, beta: beta), seed: m * 7 + k, kernels);
    }

    [Theory]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void TiledKernelRunsBatchesWithStridesAndOffsets(string device)
    {
        using var kernels = new GpuKernels(Driver(device)) { TiledGemm = true, MinFastTiles = 1 };
        var g = GemmArgs.Simple(140, 72, 36, transB: true, alpha: 0.8f, beta: 1f);
        g = g with { Batch = 3, StrideA = 140 * 36 + 8, StrideB = 72 * 36 + 4, StrideC = 140 * 72 + 3, OffsetA = 4, OffsetB = 8, OffsetC = 1 };
        new GemmTests(output).Check(device, g, seed: 77, kernels);
    }

    [Theory]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void MisalignedOperandsFallBackToThePortableKernel(string device)
    {
        // K = 37 and offsets of 1: no float4 loads are legal, so the portable kernel must run and be right.
        using var kernels = new GpuKernels(Driver(device)) { TiledGemm = true, MinFastTiles = 1 };
        new GemmTests(output).Check(device, GemmArgs.Simple(130, 70, 37) with { OffsetA = 1 }, seed: 5, kernels);
        new GemmTests(output).Check(device, GemmArgs.Simple(130, 70, 40, transB: true) with { OffsetB = 1 }, seed: 6, kernels);
    }

    [Theory]
    [DeviceData("cuda:0", Member = nameof(Cases))]
    public void Tf32KernelMatchesReferenceWithinTf32Rounding(string device, int m, int n, int k, bool ta, bool tb, float beta)
    {
        var backend = (CudaBackend)TestBackends.Get(device);
        if (!backend.Driver.Features.HasFlag(GpuFeatures.TensorCoresTf32))
        {
            // Below compute capability 8.0 the flag must be refused rather than run a kernel without tensor cores.
            using var refused = new CudaBackend(DeviceRegistry.Parse(device).Index, tf32: true);
            Assert.False(refused.UsesTf32);
            return;
        }
        using var kernels = new GpuKernels(backend.Driver) { UseTf32 = true, MinFastTiles = 1 };
        new GemmTests(output).Check(device, GemmArgs.Simple(m, n, k, ta, tb, alpha: 1.3f, beta: beta), seed: m + n + k, kernels, inputUnit: 1.0 / 2048);
    }

    private static IGpuDriver Driver(string device) => TestBackends.Get(device) switch
    {
        OpenClBackend cl => cl.Driver,
        CudaBackend cu => cu.Driver,
        var other => throw new ArgumentException($"{other.Name} is not a GPU backend"),
    };
}
