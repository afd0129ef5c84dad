using System.Text;
using GpuGen.Backends.Gpu;

namespace GpuGen.Backends.OpenCL;

/// <summary>
/// The OpenCL implementation of <see cref="IGpuDriver"/>: one context and one in-order queue per
/// device (profiling enabled, for event timings); programs built from source as OpenCL C 1.2, their
/// binaries cached on disk.
/// </summary>
internal sealed unsafe class OpenClDriver : IGpuDriver
{
    private readonly nint device;
    private readonly ClHandle context;
    private readonly ClHandle queue;
    private readonly ProgramCache cache;
    private readonly string identity;

    public OpenClDriver(nint platform, nint device)
    {
        this.device = device;
        int status;
        nint d = device;
        context = new ClHandle(Cl.clCreateContext(null, 1, &d, 0, 0, &status), ClObject.Context);
        Cl.Check(status, "clCreateContext");
        queue = new ClHandle(Cl.clCreateCommandQueue(context.DangerousGetHandle(), device, Cl.QueueProfilingEnable, &status), ClObject.Queue);
        Cl.Check(status, "clCreateCommandQueue");
        MaxWorkGroupSize = (int)Math.Min(int.MaxValue, OpenClDevices.DeviceValue<nuint>(device, Cl.DeviceMaxWorkGroupSize));
        DeviceName = OpenClDevices.DeviceString(device, Cl.DeviceName);
        DriverVersion = OpenClDevices.DeviceString(device, Cl.DriverVersion);
        PlatformName = OpenClDevices.PlatformString(platform, Cl.PlatformName);
        identity = $"{PlatformName} {OpenClDevices.PlatformString(platform, Cl.PlatformVersion)} | {DeviceName} | {DriverVersion}";
        cache = ProgramCache.Default("opencl");
    }

    public int MaxWorkGroupSize { get; }

    public string DeviceName { get; }

    public string DriverVersion { get; }

    public string PlatformName { get; }

    /// <summary>How many programs came from the disk cache and how many were built from source (for tests).</summary>
    public int CacheHits { get; private set; }

    public int SourceBuilds { get; private set; }

    public GpuProgram Compile(string name, string source, string options)
    {
        string fullOptions = "-cl-std=CL1.2 " + options;
        string key = ProgramCache.Key(source, fullOptions, identity);
        if (cache.Load(key) is { } binary && FromBinary(binary, fullOptions) is { } cached)
        {
            CacheHits++;
            return new OpenClProgram(cached, name);
        }
        var program = FromSource(name, source, fullOptions);
        SourceBuilds++;
        if (Binary(program) is { } built) cache.Store(key, built);
        return new OpenClProgram(program, name);
    }

    public DeviceBuffer Allocate(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int status;
        nint memory = Cl.clCreateBuffer(context.DangerousGetHandle(), Cl.MemReadWrite, (nuint)(Math.Max(1, length) * sizeof(float)), null, &status);
        Cl.Check(status, "clCreateBuffer");
        return new OpenClBuffer(length, new ClHandle(memory, ClObject.Memory));
    }

    public void Write(DeviceBuffer dst, long byteOffset, ReadOnlySpan<byte> src)
    {
        var buffer = Own(dst, byteOffset, src.Length);
        if (src.IsEmpty) return;
        fixed (byte* s = src)
            Cl.Check(Cl.clEnqueueWriteBuffer(queue.DangerousGetHandle(), buffer.Handle, 1, (nuint)byteOffset, (nuint)src.Length, s, 0, null, null),
                "clEnqueueWriteBuffer");
    }

    public void Read(DeviceBuffer src, long byteOffset, Span<byte> dst)
    {
        var buffer = Own(src, byteOffset, dst.Length);
        if (dst.IsEmpty) return;
        fixed (byte* d = dst)
            Cl.Check(Cl.clEnqueueReadBuffer(queue.DangerousGetHandle(), buffer.Handle, 1, (nuint)byteOffset, (nuint)dst.Length, d, 0, null, null),
                "clEnqueueReadBuffer");
    }

    public void Launch(GpuKernel kernel, in LaunchGrid grid, in KernelArgs args)
    {
        nint k = ((OpenClKernel)kernel).Handle;
        for (int i = 0; i < args.Count; i++)
        {
            ulong word = args.Word(i);
            int status = Cl.clSetKernelArg(k, (uint)i, (nuint)args.Size(i), &word);
            if (status != Cl.Success) throw new OpenClException($"clSetKernelArg ({kernel.Name}, argument {i})", status);
        }
        nuint* global = stackalloc nuint[3] { (nuint)grid.Global0, (nuint)grid.Global1, (nuint)grid.Global2 };
        nuint* local = stackalloc nuint[3] { (nuint)grid.Local0, (nuint)grid.Local1, (nuint)grid.Local2 };
        int launched = Cl.clEnqueueNDRangeKernel(queue.DangerousGetHandle(), k, (uint)grid.Dims, null, global, local, 0, null, null);
        if (launched != Cl.Success) throw new OpenClException($"clEnqueueNDRangeKernel ({kernel.Name})", launched);
    }

    public void Synchronize() => Cl.Check(Cl.clFinish(queue.DangerousGetHandle()), "clFinish");

    public GpuEvent Record()
    {
        nint evt;
        Cl.Check(Cl.clEnqueueMarkerWithWaitList(queue.DangerousGetHandle(), 0, null, &evt), "clEnqueueMarkerWithWaitList");
        return new OpenClEvent(this, new ClHandle(evt, ClObject.Event));
    }

    public void Wait(GpuEvent e)
    {
        nint evt = Own(e).Handle;
        Cl.Check(Cl.clWaitForEvents(1, &evt), "clWaitForEvents");
    }

    public bool IsComplete(GpuEvent e)
    {
        int execution;
        Cl.Check(Cl.clGetEventInfo(Own(e).Handle, Cl.EventCommandExecutionStatus, sizeof(int), &execution, null), "clGetEventInfo");
        if (execution < 0) throw new OpenClException("event command (CL_EVENT_COMMAND_EXECUTION_STATUS)", execution);
        return execution == Cl.Complete;
    }

    public double ElapsedMilliseconds(GpuEvent start, GpuEvent end)
    {
        if (!IsComplete(start) || !IsComplete(end))
            throw new InvalidOperationException("elapsed time needs both events completed: Wait on the later one first");
        return (EndNanoseconds(Own(end)) - (double)EndNanoseconds(Own(start))) / 1e6;
    }

    private static ulong EndNanoseconds(OpenClEvent e)
    {
        ulong time;
        Cl.Check(Cl.clGetEventProfilingInfo(e.Handle, Cl.ProfilingCommandEnd, sizeof(ulong), &time, null), "clGetEventProfilingInfo");
        return time;
    }

    private OpenClEvent Own(GpuEvent e)
    {
        var cl = e as OpenClEvent ?? throw new ArgumentException($"event belongs to another backend ({e.GetType().Name}), not OpenCL");
        if (!ReferenceEquals(cl.Owner, this)) throw new ArgumentException("event was recorded on another OpenCL device's queue");
        ObjectDisposedException.ThrowIf(cl.IsDisposed, cl);
        return cl;
    }

    public void Dispose()
    {
        if (!queue.IsClosed) Cl.clFinish(queue.DangerousGetHandle());
        queue.Dispose();
        context.Dispose();
    }

    private static OpenClBuffer Own(DeviceBuffer buffer, long byteOffset, int bytes)
    {
        var cl = buffer as OpenClBuffer ?? throw new ArgumentException($"buffer belongs to another backend ({buffer.GetType().Name}), not OpenCL");
        ObjectDisposedException.ThrowIf(cl.IsDisposed, cl);
        if (byteOffset < 0 || byteOffset + bytes > cl.Length * sizeof(float))
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"copy of {bytes / 4} elements at {byteOffset / 4} overruns a buffer of {cl.Length}");
        return cl;
    }

    private ClHandle FromSource(string name, string source, string options)
    {
        byte[] text = Encoding.UTF8.GetBytes(source);
        int status;
        nint program;
        fixed (byte* t = text)
        {
            byte* strings = t;
            nuint length = (nuint)text.Length;
            program = Cl.clCreateProgramWithSource(context.DangerousGetHandle(), 1, &strings, &length, &status);
        }
        Cl.Check(status, $"clCreateProgramWithSource ({name})");
        var handle = new ClHandle(program, ClObject.Program);
        int built = Build(program, options);
        if (built != Cl.Success)
        {
            string log = BuildLog(program);
            handle.Dispose();
            throw new OpenClException($"clBuildProgram ({name}, options \"{options}\")", built, $"build log of {name}:\n{log}");
        }
        return handle;
    }

    private ClHandle? FromBinary(byte[] binary, string options)
    {
        int status, binaryStatus;
        nint program;
        nint d = device;
        fixed (byte* b = binary)
        {
            byte* binaries = b;
            nuint length = (nuint)binary.Length;
            program = Cl.clCreateProgramWithBinary(context.DangerousGetHandle(), 1, &d, &length, &binaries, &binaryStatus, &status);
        }
        if (status != Cl.Success || binaryStatus != Cl.Success)
        {
            if (program != 0) Cl.clReleaseProgram(program);
            return null;
        }
        var handle = new ClHandle(program, ClObject.Program);
        if (Build(program, options) == Cl.Success) return handle;
        handle.Dispose();
        return null;
    }

    private int Build(nint program, string options)
    {
        byte[] opts = Encoding.UTF8.GetBytes(options + "\0");
        nint d = device;
        fixed (byte* o = opts) return Cl.clBuildProgram(program, 1, &d, o, 0, 0);
    }

    private string BuildLog(nint program)
    {
        nuint size;
        if (Cl.clGetProgramBuildInfo(program, device, Cl.ProgramBuildLog, 0, null, &size) != Cl.Success) return "(no build log)";
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
            if (Cl.clGetProgramBuildInfo(program, device, Cl.ProgramBuildLog, size, b, null) != Cl.Success) return "(no build log)";
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }

    private static byte[]? Binary(ClHandle program)
    {
        nint p = program.DangerousGetHandle();
        nuint size;
        if (Cl.clGetProgramInfo(p, Cl.ProgramBinarySizes, (nuint)sizeof(nuint), &size, null) != Cl.Success || size == 0) return null;
        var binary = new byte[(int)size];
        fixed (byte* b = binary)
        {
            byte* pointer = b;
            if (Cl.clGetProgramInfo(p, Cl.ProgramBinaries, (nuint)sizeof(nint), &pointer, null) != Cl.Success) return null;
        }
        return binary;
    }
}
