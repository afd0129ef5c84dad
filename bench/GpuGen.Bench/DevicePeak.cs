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
        // ILGPU reports the clock in MHz (the driver's kHz attribute divided by 1000).
        if (FromAttributes(cuda.NumMultiprocessors, arch.Major, arch.Minor, cuda.ClockRate) is double gflops)
            return (gflops, $"{cuda.NumMultiprocessors} SMs × {LanesPerSm(arch.Major, arch.Minor)} FP32 lanes × 2 × {cuda.ClockRate / 1e3:F3} GHz (sm_{arch.Major}{arch.Minor})");
        foreach (var (name, peak) in Datasheet)
            if (cuda.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                return (peak, $"datasheet figure for {name}");
        return (null, $"unknown FP32 lanes per SM for {cuda.Name} ({arch})");
    }

    /// <summary>SMs × FP32 lanes per SM × 2 × clock in GFLOP/s; null for a compute capability not in the table.</summary>
    public static double? FromAttributes(int multiprocessors, int major, int minor, int clockMHz)
    {
        int lanes = LanesPerSm(major, minor);
        return lanes > 0 && multiprocessors > 0 && clockMHz > 0 ? multiprocessors * (double)lanes * 2 * clockMHz / 1e3 : null;
    }

    private static int LanesPerSm(int major, int minor) => (major, minor) switch
    {
        (7, _) or (8, 0) => 64,
        (8, _) or (9, _) => 128,
        ( >= 10, _) => 128,
        _ => 0,
    };
}
