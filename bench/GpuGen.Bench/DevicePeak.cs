using GpuGen.Backends;
using GpuGen.Backends.Ilgpu;
using ILGPU.Runtime.Cuda;

namespace GpuGen.Bench;

/// <summary>
/// The FP32 peak of a CUDA device, for putting a GEMM's GFLOP/s in proportion:
/// peak = SMs × FP32 lanes per SM × 2 (an FMA is two flops) × boost clock. Lanes per SM by compute
/// capability (NVIDIA's CUDA programming guide, "arithmetic instructions" throughput table): 64 for
/// 7.x and 8.0 (V100, A100), 128 for 8.6–9.0 and later (RTX 30/40, H100, H200). H100 SXM: 132 × 128 × 2 ×
/// 1.98 GHz = 66.9 TFLOP/s. When the architecture is not one of those, a table of datasheet figures by
/// device name is the fallback.
/// </summary>
public static class DevicePeak
{
    private static readonly (string Name, double Gflops)[] Datasheet =
    [
        ("H100 PCIe", 51_200), ("H100 SXM", 66_900), ("H100 80GB HBM3", 66_900), ("H200", 66_900),
        ("A100", 19_500), ("V100", 15_700),
    ];

    /// <summary>The FP32 peak in GFLOP/s and how it was found, or null with the reason for a device that is not CUDA.</summary>
    public static (double? Gflops, string Source) Fp32(IBackend backend)
    {
        if (backend is not IlgpuBackend { Accelerator: CudaAccelerator cuda })
            return (null, $"{backend.Name} is not a CUDA device");
        var arch = cuda.Architecture;
        int lanes = LanesPerSm(arch.Major, arch.Minor);
        if (lanes > 0 && cuda.ClockRate > 0 && cuda.NumMultiprocessors > 0)
        {
            double gflops = cuda.NumMultiprocessors * (double)lanes * 2 * cuda.ClockRate * 1e3 / 1e9;
            return (gflops, $"{cuda.NumMultiprocessors} SMs × {lanes} FP32 lanes × 2 × {cuda.ClockRate / 1e6:F3} GHz (sm_{arch.Major}{arch.Minor})");
        }
        foreach (var (name, peak) in Datasheet)
            if (cuda.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                return (peak, $"datasheet figure for {name}");
        return (null, $"unknown FP32 lanes per SM for {cuda.Name} ({arch})");
    }

    private static int LanesPerSm(int major, int minor) => (major, minor) switch
    {
        (7, _) or (8, 0) => 64,
        (8, _) or (9, _) => 128,
        ( >= 10, _) => 128,
        _ => 0,
    };
}
