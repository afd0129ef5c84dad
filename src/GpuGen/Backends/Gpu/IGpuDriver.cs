namespace GpuGen.Backends.Gpu;

/// <summary>
/// Everything device-specific under <see cref="GpuKernels"/>: compile, allocate, copy, launch,
/// synchronize, events (tinygrad's "a backend is a short table"). OpenCL implements it now, CUDA later;
/// argument order, grid sizes and kernel names live once, in the launch layer above.
/// </summary>
internal interface IGpuDriver : IDisposable
{
    /// <summary>Largest work-group (block) the device runs.</summary>
    int MaxWorkGroupSize { get; }

    /// <summary>What the kernels may use beyond the portable subset (selects the #ifdef GG_CUDA fast paths).</summary>
    GpuFeatures Features => GpuFeatures.None;

    /// <summary>
    /// Compiles one program from source (prelude included) with build options (-D defines); a
    /// driver caches what it can. A failed build throws with the full build log. <paramref name="name"/>
    /// names the source in messages.
    /// </summary>
    GpuProgram Compile(string name, string source, string options);

    DeviceBuffer Allocate(long length);

    void Write(DeviceBuffer dst, long byteOffset, ReadOnlySpan<byte> src);

    void Read(DeviceBuffer src, long byteOffset, Span<byte> dst);

    /// <summary>
    /// Enqueues a launch of <paramref name="kernel"/> over <paramref name="grid"/> (global sizes
    /// already multiples of the local sizes) with the packed arguments. Asynchronous, in order.
    /// </summary>
    void Launch(GpuKernel kernel, in LaunchGrid grid, in KernelArgs args);

    /// <summary>Blocks until every launch and copy enqueued so far has finished.</summary>
    void Synchronize();

    /// <summary>
    /// Enqueues a marker on the in-order queue: it completes once everything issued before it has
    /// finished, and carries the device time at which it did. The caller disposes it.
    /// </summary>
    GpuEvent Record();

    /// <summary>Blocks the host until <paramref name="e"/> (and so everything issued before it) has completed.</summary>
    void Wait(GpuEvent e);

    /// <summary>Whether <paramref name="e"/> has completed, without blocking; throws if its command failed.</summary>
    bool IsComplete(GpuEvent e);

    /// <summary>
    /// Device time from <paramref name="start"/> to <paramref name="end"/> in milliseconds (negative
    /// when end was recorded first); both must have completed.
    /// </summary>
    double ElapsedMilliseconds(GpuEvent start, GpuEvent end);
}

/// <summary>Capabilities beyond OpenCL C 1.2 that select kernels' fast paths.</summary>
[Flags]
internal enum GpuFeatures
{
    None = 0,

    /// <summary>Programs are CUDA C++ (NVRTC with -DGG_CUDA): warp shuffles, float4 loads.</summary>
    Cuda = 1,

    /// <summary>mma.sync with TF32 inputs (compute capability 8.0 and newer).</summary>
    TensorCoresTf32 = 2,
}

/// <summary>A marker on a device queue (cl_event, CUevent), from <see cref="IGpuDriver.Record"/>.</summary>
internal abstract class GpuEvent : IDisposable
{
    public abstract void Dispose();
}

/// <summary>A compiled program; its kernels are looked up by name.</summary>
internal abstract class GpuProgram : IDisposable
{
    public abstract GpuKernel Kernel(string name);

    public abstract void Dispose();
}

/// <summary>One kernel of a compiled program.</summary>
internal abstract class GpuKernel(string name) : IDisposable
{
    public string Name { get; } = name;

    public abstract void Dispose();
}

/// <summary>A device buffer whose native handle (cl_mem, CUdeviceptr) is passed to kernels.</summary>
internal abstract class GpuBuffer(long length) : DeviceBuffer(length)
{
    public abstract nint Handle { get; }
}
