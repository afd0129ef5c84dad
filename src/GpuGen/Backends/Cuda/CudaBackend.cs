using System.Globalization;
using GpuGen.Backends.Gpu;

namespace GpuGen.Backends.Cuda;

/// <summary>
/// A CUDA device ("cuda:N"): memory, copies and the shared launch layer <see cref="GpuKernels"/>
/// over a <see cref="CudaDriver"/> — the kernels of kernels/*.cl compiled by NVRTC with the
/// prelude's CUDA side. Launches are asynchronous on one stream; reads block. With
/// <c>tf32</c> (or GPUGEN_CUDA_TF32=1) on a compute capability 8.0+ device, large GEMMs use
/// tensor cores with TF32 inputs (10-bit mantissas, float32 accumulation): faster, less exact.
/// </summary>
public sealed class CudaBackend : GpuBackend
{
    private readonly CudaDriver driver;
    private readonly GpuKernels kernels;

    /// <summary>Opens device <paramref name="index"/>; throws naming the count (or why there is none) when there is no such device.</summary>
    public CudaBackend(int index = 0, bool? tf32 = null)
    {
        int count = CudaDevices.Count;
        if (index < 0 || index >= count)
            throw new ArgumentException(count == 0
                ? $"device 'cuda:{index}' is not available: {CudaDevices.Absence}"
                : $"device 'cuda:{index}' is not available: there are {count} CUDA devices (cuda:0 … cuda:{count - 1})");
        Name = string.Create(CultureInfo.InvariantCulture, $"cuda:{index}");
        Info = CudaDevices.Describe(index);
        driver = new CudaDriver(index);
        kernels = new GpuKernels(driver)
        {
            TiledGemm = true,
            UseTf32 = (tf32 ?? Environment.GetEnvironmentVariable("GPUGEN_CUDA_TF32") is "1" or "true") && driver.Features.HasFlag(GpuFeatures.TensorCoresTf32),
        };
    }

    /// <summary>How many CUDA devices this machine offers (0 without the NVIDIA driver).</summary>
    public static int DeviceCount => CudaDevices.Count;

    /// <summary>Why there is no CUDA device (null when there is one), for messages.</summary>
    public static string? Absence => CudaDevices.Absence;

    /// <summary>What `gpugen devices` prints for device <paramref name="index"/>, without opening it.</summary>
    public static DeviceInfo Describe(int index) => CudaDevices.Describe(index);

    public override string Name { get; }

    public override DeviceInfo Info { get; }

    /// <summary>Whether GEMMs run on tensor cores with TF32 inputs.</summary>
    public bool UsesTf32 => kernels.UseTf32;

    internal override GpuKernels Launcher => kernels;

    private protected override IGpuDriver GpuDriver => driver;

    internal CudaDriver Driver => driver;

    /// <summary>
    /// Captures the launches of <paramref name="step"/> into a CUDA graph (see <see cref="CudaGraph"/>
    /// for what makes replays right). Run the step eagerly at least once first, so the pool is warm
    /// and every kernel is compiled: neither can happen during capture.
    /// </summary>
    public CudaGraph Capture(Action step) => driver.Capture(step);

    /// <summary>Enqueues one replay of a captured graph.</summary>
    public void Replay(CudaGraph graph) => driver.Replay(graph);
}
