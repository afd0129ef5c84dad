using GpuGen.Backends.Gpu;

namespace GpuGen.Backends.Cuda;

/// <summary>
/// The CUDA implementation of <see cref="IGpuDriver"/>: the device's primary context, one
/// non-blocking stream that every copy and launch goes to in order, programs compiled by NVRTC to
/// PTX for the device's own architecture (<see cref="PtxCompiler"/>) and loaded as modules. Host
/// copies go through two pinned staging slots, so a write returns as soon as its bytes are staged
/// (the caller may reuse its array) and a chunk's copy overlaps the staging of the next.
/// </summary>
internal sealed unsafe partial class CudaDriver : IGpuDriver
{
    /// <summary>Bytes per pinned staging slot.</summary>
    private const int StagingBytes = 4 << 20;

    [ThreadStatic] private static nint current;

    private readonly int device;
    private readonly nint context;
    private readonly nint stream;
    private readonly PtxCompiler compiler;
    private readonly Lock copyGate = new();
    private readonly byte*[] staging = new byte*[2];
    private readonly nint[] stagingDone = new nint[2];
    private readonly bool[] stagingBusy = new bool[2];
    private int nextSlot;
    private bool disposed;

    public CudaDriver(int index)
    {
        device = CudaDevices.Handle(index);
        nint ctx;
        Cu.Check(Cu.cuDevicePrimaryCtxRetain(&ctx, device), "cuDevicePrimaryCtxRetain");
        context = ctx;
        MakeCurrent();
        nint s;
        Cu.Check(Cu.cuStreamCreate(&s, Cu.StreamNonBlocking), "cuStreamCreate");
        stream = s;
        for (int i = 0; i < 2; i++)
        {
            void* p;
            Cu.Check(Cu.cuMemHostAlloc(&p, StagingBytes, Cu.MemHostAllocPortable), "cuMemHostAlloc (pinned staging)");
            staging[i] = (byte*)p;
            nint e;
            Cu.Check(Cu.cuEventCreate(&e, 2 /* CU_EVENT_DISABLE_TIMING */), "cuEventCreate");
            stagingDone[i] = e;
        }
        ComputeCapability = CudaDevices.ComputeCapability(device);
        MaxWorkGroupSize = CudaDevices.Attribute(device, Cu.AttrMaxThreadsPerBlock);
        var nvrtc = Nvrtc.Find() ?? throw new CudaException(
            $"CUDA device {index} needs NVRTC to compile kernels: install the CUDA run-time compiler (Debian: libnvrtc11.2 from non-free; or the CUDA toolkit's libnvrtc.so.12/.13)");
        compiler = new PtxCompiler(nvrtc, ArchitectureFor(ComputeCapability, nvrtc));
    }

    public int MaxWorkGroupSize { get; }

    /// <summary>major·10 + minor.</summary>
    public int ComputeCapability { get; }

    public PtxCompiler Compiler => compiler;

    /// <summary>The compute_XY NVRTC compiles for: the device's own, or the newest NVRTC knows below it (the driver JIT-compiles PTX forward).</summary>
    public static int ArchitectureFor(int computeCapability, Nvrtc nvrtc)
    {
        var known = nvrtc.SupportedArchitectures();
        if (known.Count == 0 || known.Contains(computeCapability)) return computeCapability;
        var below = known.Where(a => a <= computeCapability).ToList();
        return below.Count > 0 ? below.Max() : computeCapability;
    }

    public GpuFeatures Features => GpuFeatures.Cuda | (ComputeCapability >= 80 ? GpuFeatures.TensorCoresTf32 : GpuFeatures.None);

    /// <summary>Makes the primary context current on the calling thread (once per thread).</summary>
    public void MakeCurrent()
    {
        if (current == context) return;
        Cu.Check(Cu.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        current = context;
    }

    public GpuProgram Compile(string name, string source, string options)
    {
        byte[] ptx = compiler.Compile(name, source, options);
        MakeCurrent();
        const int logSize = 16 << 10;
        byte* log = stackalloc byte[logSize];
        int* keys = stackalloc int[2] { Cu.JitErrorLogBuffer, Cu.JitErrorLogBufferSizeBytes };
        void** values = stackalloc void*[2] { log, (void*)(nint)logSize };
        log[0] = 0;
        nint module;
        int status;
        fixed (byte* p = ptx) status = Cu.cuModuleLoadDataEx(&module, p, 2, keys, values);
        if (status != Cu.Success)
            throw new CudaException($"cuModuleLoadDataEx ({name}, compute_{compiler.Architecture})", status,
                "JIT log: " + System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)log));
        return new CudaProgram(name, module, this);
    }

    public DeviceBuffer Allocate(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        MakeCurrent();
        ulong pointer;
        int status = Cu.cuMemAlloc(&pointer, (nuint)(Math.Max(1, length) * sizeof(float)));
        if (status != Cu.Success)
            throw new CudaException($"cuMemAlloc ({Math.Max(1, length) * sizeof(float)} bytes)", status);
        return new CudaBuffer(length, pointer, this);
    }

    public void Write(DeviceBuffer dst, long byteOffset, ReadOnlySpan<byte> src)
    {
        var buffer = Own(dst, byteOffset, src.Length);
        if (src.IsEmpty) return;
        if (mode == GraphMode.Capturing)
        {
            // Relaxed capture: a synchronous copy runs now, outside the graph (the stream was drained first).
            MakeCurrent();
            fixed (byte* s = src) Cu.Check(Cu.cuMemcpyHtoD(buffer.Pointer + (ulong)byteOffset, s, (nuint)src.Length), "cuMemcpyHtoD (during capture)");
            return;
        }
        lock (copyGate)
        {
            MakeCurrent();
            for (int done = 0; done < src.Length; done += StagingBytes)
            {
                int n = Math.Min(StagingBytes, src.Length - done);
                int slot = nextSlot;
                nextSlot ^= 1;
                if (stagingBusy[slot]) Cu.Check(Cu.cuEventSynchronize(stagingDone[slot]), "cuEventSynchronize (staging)");
                src.Slice(done, n).CopyTo(new Span<byte>(staging[slot], n));
                Cu.Check(Cu.cuMemcpyHtoDAsync(buffer.Pointer + (ulong)(byteOffset + done), staging[slot], (nuint)n, stream), "cuMemcpyHtoDAsync");
                Cu.Check(Cu.cuEventRecord(stagingDone[slot], stream), "cuEventRecord (staging)");
                stagingBusy[slot] = true;
            }
        }
    }

    public void Read(DeviceBuffer src, long byteOffset, Span<byte> dst)
    {
        var buffer = Own(src, byteOffset, dst.Length);
        if (dst.IsEmpty) return;
        NotCapturing("a device-to-host copy");
        lock (copyGate)
        {
            MakeCurrent();
            for (int done = 0; done < dst.Length; done += StagingBytes)
            {
                int n = Math.Min(StagingBytes, dst.Length - done);
                Cu.Check(Cu.cuMemcpyDtoHAsync(staging[0], buffer.Pointer + (ulong)(byteOffset + done), (nuint)n, stream), "cuMemcpyDtoHAsync");
                Cu.Check(Cu.cuStreamSynchronize(stream), "cuStreamSynchronize (read)");
                new ReadOnlySpan<byte>(staging[0], n).CopyTo(dst.Slice(done, n));
            }
            stagingBusy[0] = stagingBusy[1] = false;
        }
    }

    public void Launch(GpuKernel kernel, in LaunchGrid grid, in KernelArgs args)
    {
        var function = ((CudaKernel)kernel).Function;
        long bx = grid.Global0 / grid.Local0, by = grid.Global1 / Math.Max(1, grid.Local1), bz = grid.Global2 / Math.Max(1, grid.Local2);
        if (bx > int.MaxValue || by > 65535 || bz > 65535)
            throw new ArgumentOutOfRangeException(nameof(grid), $"launch of {kernel.Name} needs a grid of {bx}×{by}×{bz} blocks; CUDA allows at most 2³¹−1 × 65535 × 65535");
        int n = args.Count;
        ulong* words = stackalloc ulong[Math.Max(1, n)];
        void** pointers = stackalloc void*[Math.Max(1, n)];
        for (int i = 0; i < n; i++)
        {
            words[i] = args.Word(i);
            pointers[i] = &words[i];
        }
        uint* dims = stackalloc uint[6]
        {
            (uint)bx, (uint)Math.Max(1, by), (uint)Math.Max(1, bz), (uint)grid.Local0, (uint)Math.Max(1, grid.Local1), (uint)Math.Max(1, grid.Local2),
        };
        MakeCurrent();
        if (GraphLaunch((CudaKernel)kernel, dims, words, n, pointers)) return;
        int status = Cu.cuLaunchKernel(function, dims[0], dims[1], dims[2], dims[3], dims[4], dims[5], 0, stream, pointers, null);
        if (status != Cu.Success) throw new CudaException($"cuLaunchKernel ({kernel.Name}, grid {bx}×{by}×{bz}, block {grid.Local0}×{grid.Local1}×{grid.Local2})", status);
    }

    public void Synchronize()
    {
        NotCapturing("Synchronize");
        MakeCurrent();
        Cu.Check(Cu.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    public GpuEvent Record()
    {
        NotCapturing("recording an event");
        MakeCurrent();
        nint e;
        Cu.Check(Cu.cuEventCreate(&e, Cu.EventDefault), "cuEventCreate");
        Cu.Check(Cu.cuEventRecord(e, stream), "cuEventRecord");
        return new CudaEvent(this, e);
    }

    public void Wait(GpuEvent e)
    {
        NotCapturing("waiting on an event");
        MakeCurrent();
        Cu.Check(Cu.cuEventSynchronize(Own(e).Handle), "cuEventSynchronize");
    }

    public bool IsComplete(GpuEvent e)
    {
        MakeCurrent();
        int status = Cu.cuEventQuery(Own(e).Handle);
        if (status == Cu.ErrorNotReady) return false;
        Cu.Check(status, "cuEventQuery");
        return true;
    }

    public double ElapsedMilliseconds(GpuEvent start, GpuEvent end)
    {
        if (!IsComplete(start) || !IsComplete(end))
            throw new InvalidOperationException("elapsed time needs both events completed: Wait on the later one first");
        float ms;
        Cu.Check(Cu.cuEventElapsedTime(&ms, Own(start).Handle, Own(end).Handle), "cuEventElapsedTime");
        return ms;
    }

    internal void Free(ulong pointer)
    {
        if (disposed) return; // the context's memory went with it
        MakeCurrent();
        Cu.cuMemFree(pointer);
    }

    internal void DestroyEvent(nint e)
    {
        if (disposed) return;
        MakeCurrent();
        Cu.cuEventDestroy(e);
    }

    internal void Unload(nint module)
    {
        if (disposed) return;
        MakeCurrent();
        Cu.cuModuleUnload(module);
    }

    public void Dispose()
    {
        if (disposed) return;
        MakeCurrent();
        Cu.cuStreamSynchronize(stream);
        for (int i = 0; i < 2; i++)
        {
            Cu.cuEventDestroy(stagingDone[i]);
            Cu.cuMemFreeHost(staging[i]);
        }
        Cu.cuStreamDestroy(stream);
        disposed = true;
        Cu.cuDevicePrimaryCtxRelease(device);
        current = 0;
    }

    private CudaEvent Own(GpuEvent e)
    {
        var cu = e as CudaEvent ?? throw new ArgumentException($"event belongs to another backend ({e.GetType().Name}), not CUDA");
        if (!ReferenceEquals(cu.Owner, this)) throw new ArgumentException("event was recorded on another CUDA device's stream");
        ObjectDisposedException.ThrowIf(cu.IsDisposed, cu);
        return cu;
    }

    private CudaBuffer Own(DeviceBuffer buffer, long byteOffset, int bytes)
    {
        var cu = buffer as CudaBuffer ?? throw new ArgumentException($"buffer belongs to another backend ({buffer.GetType().Name}), not CUDA");
        if (!ReferenceEquals(cu.Owner, this)) throw new ArgumentException("buffer belongs to another CUDA device");
        ObjectDisposedException.ThrowIf(cu.IsDisposed, cu);
        if (byteOffset < 0 || byteOffset + bytes > cu.Length * sizeof(float))
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"copy of {bytes / 4} elements at {byteOffset / 4} overruns a buffer of {cu.Length}");
        return cu;
    }
}
