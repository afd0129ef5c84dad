using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using GpuGen.Kernels;

namespace GpuGen.Backends.Ilgpu;

/// <summary>
/// The kernel contract once for every ILGPU accelerator: for each <see cref="IKernels"/> method the
/// argument checks, the launch geometry and the kernel of kernels/ it runs. Each kernel is loaded
/// (compiled for the accelerator) on its first call into a typed launcher that is kept, so later calls
/// pack nothing, reflect on nothing and box nothing. Launches are asynchronous on the accelerator's
/// default stream and serialised across threads.
/// </summary>
/// <remarks>
/// Geometry: every kernel is a grid-stride loop, so the host picks a grid that keeps the device busy,
/// not one thread per element. On GPUs: flat kernels 256 threads × up to 16 groups per multiprocessor,
/// row kernels (one group per row or block of statistics) 256 threads. On ILGPU's CPU accelerator,
/// where each group hands work to OS threads and each barrier synchronises them, as few and as small
/// groups as exercise the code: one group of 2 for flat kernels, one group of 4 for row kernels, 32 × 32
/// GEMM tiles (0.4 ms a launch there instead of 5–10 ms with one thread per element).
/// </remarks>
internal sealed partial class IlgpuKernels : IKernels, IDisposable
{
    private readonly Accelerator accelerator;
    private readonly string device;
    private readonly object gate = new();
    private readonly MemoryBuffer1D<float, Stride1D.Dense> dummy;

    private readonly int flatThreads, flatGroups, rowThreads, rowGroups;

    public IlgpuKernels(Accelerator accelerator, string device)
    {
        this.accelerator = accelerator;
        this.device = device;
        dummy = accelerator.Allocate1D<float>(1);
        int maxGroup = accelerator.MaxNumThreadsPerGroup;
        if (accelerator is CPUAccelerator)
        {
            flatThreads = accelerator.WarpSize;
            flatGroups = accelerator.NumMultiprocessors;
            rowThreads = PowerOfTwoAtMost(maxGroup);
            rowGroups = accelerator.NumMultiprocessors;
            IsCpu = true;
        }
        else
        {
            flatThreads = PowerOfTwoAtMost(Math.Min(256, maxGroup));
            flatGroups = Math.Max(1, accelerator.NumMultiprocessors * 16);
            rowThreads = flatThreads;
            rowGroups = 65535;
        }
    }

    /// <summary>Whether the accelerator is ILGPU's CPU accelerator (small groups and GEMM tiles).</summary>
    public bool IsCpu { get; }

    /// <summary>Threads of a row kernel's group (a power of two, at most <see cref="DeviceMath.MaxGroup"/>).</summary>
    public int RowThreads => rowThreads;

    public void Dispose()
    {
        lock (gate)
        {
            cublas?.Dispose();
            cublas = null;
            if (!accelerator.IsDisposed) dummy.Dispose();
        }
    }

    // ---- launch geometry ------------------------------------------------------------------------------

    /// <summary>A grid-stride launch over n items.</summary>
    private KernelConfig Flat(long n) => new((int)Math.Clamp((n + flatThreads - 1) / flatThreads, 1, flatGroups), flatThreads);

    /// <summary>One group per row, up to the grid's limit (groups then take several rows).</summary>
    private KernelConfig Rows(long rows) => new((int)Math.Clamp(rows, 1, rowGroups), rowThreads);

    /// <summary>A single group (scalar losses).</summary>
    private KernelConfig OneGroup => new(1, rowThreads);

    private static int PowerOfTwoAtMost(int n)
    {
        int p = 1;
        while (p * 2 <= Math.Min(n, DeviceMath.MaxGroup)) p *= 2;
        return p;
    }

    // ---- loading -----------------------------------------------------------------------------------------

    /// <summary>
    /// The launcher in <paramref name="slot"/>, loaded on first use (call under the gate). A kernel that
    /// fails to compile is an error naming the kernel and the device.
    /// </summary>
    private T Load<T>(ref T? slot, string kernel, Func<Accelerator, T> load) where T : class
    {
        if (slot is not null) return slot;
        try
        {
            return slot = load(accelerator);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"kernel {kernel} did not compile for {device}: {e.Message}", e);
        }
    }

    // ---- views and argument checks (a device kernel indexes with int: sizes must fit) ---------------------

    private ArrayView<float> F(DeviceBuffer? buffer) => buffer is null ? dummy.View : Own(buffer).Floats;

    private ArrayView<int> I(DeviceBuffer buffer) => Own(buffer).Ints;

    private IlgpuBuffer Own(DeviceBuffer buffer)
    {
        var b = buffer as IlgpuBuffer ?? throw new ArgumentException($"buffer belongs to another backend ({buffer.GetType().Name}), not {device}");
        if (b.Accelerator != accelerator) throw new ArgumentException($"buffer belongs to another ILGPU device, not {device}");
        return b;
    }

    private static int Flag(bool value) => value ? 1 : 0;

    private static int Count(long n, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n, name);
        if (n > int.MaxValue) throw new ArgumentOutOfRangeException(name, n, $"device kernels take at most {int.MaxValue} elements");
        return (int)n;
    }

    private static void Need(DeviceBuffer? buffer, long need, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer.Length < need)
            throw new ArgumentException($"buffer '{name}' holds {buffer.Length} elements; the kernel needs {need}", name);
    }
}
