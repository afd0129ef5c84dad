using System.Runtime.InteropServices;

namespace GpuGen.Backends.Cpu;

/// <summary>
/// The managed accelerator: kernels in C# (SIMD + both cores) over aligned host memory. Launches are
/// synchronous, so <see cref="Synchronize"/> has nothing to wait for.
/// </summary>
public sealed class CpuBackend : IBackend
{
    /// <summary>
    /// Lends a core of the CPU backend's worker pool to other work of this process (the viewer's
    /// drawing) until the loan is disposed; see <see cref="CpuWorkers.LendCore"/> for why.
    /// </summary>
    public static IDisposable LendCore() => CpuWorkers.LendCore();

    /// <summary>
    /// Makes the CPU backend use <paramref name="cores"/> cores instead of all of them (several processes
    /// sharing a machine, each training on `cpu`); call it before the first kernel runs.
    /// </summary>
    public static void UseCores(int cores) => CpuWorkers.UseCores(cores);

    /// <summary>Cores the CPU backend uses: the caller's and its workers'.</summary>
    public static int Cores => CpuWorkers.Count + 1;

    public CpuBackend()
    {
        Kernels = new CpuKernels();
        string simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2" : "scalar";
        Info = new DeviceInfo(
            Name: CpuName(),
            Kind: "cpu",
            Driver: $".NET {Environment.Version} managed kernels, {simd}",
            ComputeUnits: Cores,
            MemoryBytes: GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            MaxWorkGroupSize: 1,
            Details: $"{RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}");
    }

    public string Name => "cpu";

    public DeviceInfo Info { get; }

    public IKernels Kernels { get; }

    public DeviceBuffer Allocate(long length) => new CpuBuffer(length);

    public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<float> src) =>
        src.CopyTo(Slice(dst, dstOffset, src.Length));

    public void Write(DeviceBuffer dst, long dstOffset, ReadOnlySpan<int> src) =>
        MemoryMarshal.Cast<int, float>(src).CopyTo(Slice(dst, dstOffset, src.Length));

    public void Read(DeviceBuffer src, long srcOffset, Span<float> dst) =>
        Slice(src, srcOffset, dst.Length).CopyTo(dst);

    public void Read(DeviceBuffer src, long srcOffset, Span<int> dst) =>
        Slice(src, srcOffset, dst.Length).CopyTo(MemoryMarshal.Cast<int, float>(dst));

    public void Synchronize()
    {
    }

    public void Dispose()
    {
    }

    private static Span<float> Slice(DeviceBuffer buffer, long offset, int count)
    {
        var cpu = buffer as CpuBuffer ?? throw new ArgumentException($"buffer belongs to another backend ({buffer.GetType().Name}), not the CPU");
        if (offset < 0 || offset + count > cpu.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"copy of {count} elements at {offset} overruns a buffer of {cpu.Length}");
        return cpu.Floats.Slice((int)offset, count);
    }

    private static string CpuName()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal))
                    return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
