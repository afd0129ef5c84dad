using System.Globalization;

namespace GpuGen.Backends.Gpu;

/// <summary>
/// The launch layer that OpenCL (and later CUDA) share: for each <see cref="IKernels"/> method the
/// argument checks, the packing of arguments (no allocation), the grid (global sizes rounded up to
/// whole work-groups) and the kernel's name in kernels/*.cl. Programs are compiled lazily, one per
/// source file, on the first launch of one of their kernels. Launches from several threads are
/// serialized (setting arguments and enqueueing is one step per kernel object).
/// </summary>
internal sealed partial class GpuKernels : IKernels, IDisposable
{
    private readonly IGpuDriver driver;
    private readonly object gate = new();
    private readonly Dictionary<string, GpuProgram> programs = [];
    private readonly Dictionary<string, GpuKernel> kernels = [];

    /// <summary>Work-group size of flat element-wise launches.</summary>
    private readonly int flat;

    /// <summary>Work-group size of the reductions (a power of two, compiled in as REDUCE_WG / LOSS_WG).</summary>
    private readonly int group;

    /// <summary>Tiles of kernels/gemm.cl (compiled in as GEMM_* defines).</summary>
    private readonly GemmTiling gemmTiling;

    /// <param name="driver">The device: compile, allocate, copy, launch.</param>
    public GpuKernels(IGpuDriver driver)
    {
        this.driver = driver;
        group = 1;
        while (group * 2 <= Math.Min(256, driver.MaxWorkGroupSize)) group *= 2;
        flat = group;
        gemmTiling = GemmTiling.For(driver.MaxWorkGroupSize);
        Options = string.Create(CultureInfo.InvariantCulture, $"-DREDUCE_WG={group} -DLOSS_WG={group} {gemmTiling.Defines}");
    }

    /// <summary>GEMMs on tensor cores with TF32 inputs (CUDA, compute capability 8.0+; off by default).</summary>
    public bool UseTf32 { get; init; }

    /// <summary>Build options of every program (tuning defines).</summary>
    public string Options { get; }

    /// <summary>Compiles (or finds) the program of <paramref name="file"/> now; tests and warm-up use it.</summary>
    public GpuProgram Program(string file)
    {
        lock (gate) return ProgramLocked(file);
    }

    /// <summary>Launches kernel <paramref name="name"/> of kernels/<paramref name="file"/>.</summary>
    public void Launch(string file, string name, in LaunchGrid grid, in KernelArgs args)
    {
        lock (gate)
        {
            if (!kernels.TryGetValue(name, out var kernel))
            {
                kernel = ProgramLocked(file).Kernel(name);
                kernels.Add(name, kernel);
            }
            driver.Launch(kernel, grid, args);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var kernel in kernels.Values) kernel.Dispose();
            foreach (var program in programs.Values) program.Dispose();
            kernels.Clear();
            programs.Clear();
        }
    }

    private GpuProgram ProgramLocked(string file)
    {
        if (!programs.TryGetValue(file, out var program))
        {
            program = driver.Compile(file, KernelSources.Program(file), Options);
            programs.Add(file, program);
        }
        return program;
    }

    // ---- argument checks (a device kernel indexes with int: sizes must fit) ---------------------------

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
