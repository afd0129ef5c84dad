using System.Runtime.InteropServices;
using System.Text;

namespace GpuGen.Backends.Cuda;

/// <summary>
/// NVRTC, the CUDA run-time compiler: CUDA C++ source → PTX. The library's file name carries the
/// toolkit's major version and Debian ships no unversioned link, so the newest present of
/// libnvrtc.so.13, .12, .11.2 is loaded (GPUGEN_NVRTC names another file) and its entry points are
/// bound as unmanaged function pointers — LibraryImport needs one fixed name, and an assembly-wide
/// DllImportResolver would be shared with the other bindings. Trimming- and AOT-safe either way.
/// </summary>
internal sealed unsafe class Nvrtc
{
    /// <summary>Library names tried in order, newest toolkit first.</summary>
    public static readonly string[] Candidates = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"];

    private static readonly Lazy<Nvrtc?> Default = new(() => TryLoad(Environment.GetEnvironmentVariable("GPUGEN_NVRTC")));

    private readonly delegate* unmanaged<int*, int*, int> version;
    private readonly delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int> createProgram;
    private readonly delegate* unmanaged<nint, int, byte**, int> compileProgram;
    private readonly delegate* unmanaged<nint, nuint*, int> getLogSize;
    private readonly delegate* unmanaged<nint, byte*, int> getLog;
    private readonly delegate* unmanaged<nint, nuint*, int> getPtxSize;
    private readonly delegate* unmanaged<nint, byte*, int> getPtx;
    private readonly delegate* unmanaged<nint*, int> destroyProgram;
    private readonly delegate* unmanaged<int, byte*> getErrorString;
    private readonly delegate* unmanaged<int*, int> getNumSupportedArchs;
    private readonly delegate* unmanaged<int*, int> getSupportedArchs;

    private Nvrtc(nint library, string file)
    {
        File = file;
        version = (delegate* unmanaged<int*, int*, int>)Export(library, "nvrtcVersion");
        createProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int>)Export(library, "nvrtcCreateProgram");
        compileProgram = (delegate* unmanaged<nint, int, byte**, int>)Export(library, "nvrtcCompileProgram");
        getLogSize = (delegate* unmanaged<nint, nuint*, int>)Export(library, "nvrtcGetProgramLogSize");
        getLog = (delegate* unmanaged<nint, byte*, int>)Export(library, "nvrtcGetProgramLog");
        getPtxSize = (delegate* unmanaged<nint, nuint*, int>)Export(library, "nvrtcGetPTXSize");
        getPtx = (delegate* unmanaged<nint, byte*, int>)Export(library, "nvrtcGetPTX");
        destroyProgram = (delegate* unmanaged<nint*, int>)Export(library, "nvrtcDestroyProgram");
        getErrorString = (delegate* unmanaged<int, byte*>)Export(library, "nvrtcGetErrorString");
        // Since CUDA 11.2; absent before.
        getNumSupportedArchs = NativeLibrary.TryGetExport(library, "nvrtcGetNumSupportedArchs", out nint n) ? (delegate* unmanaged<int*, int>)n : null;
        getSupportedArchs = NativeLibrary.TryGetExport(library, "nvrtcGetSupportedArchs", out nint s) ? (delegate* unmanaged<int*, int>)s : null;
        int major, minor;
        Check(version(&major, &minor), "nvrtcVersion");
        Version = new Version(major, minor);
    }

    /// <summary>The newest NVRTC on this machine, or null when none is installed.</summary>
    public static Nvrtc? Find() => Default.Value;

    /// <summary>Loads <paramref name="file"/> (or the first of <see cref="Candidates"/> present when null); null when none loads.</summary>
    public static Nvrtc? TryLoad(string? file)
    {
        foreach (string name in string.IsNullOrEmpty(file) ? Candidates : [file])
            if (NativeLibrary.TryLoad(name, out nint library))
                return new Nvrtc(library, name);
        return null;
    }

    /// <summary>Every NVRTC library file present, newest first (tests compile with each).</summary>
    public static IReadOnlyList<Nvrtc> All() =>
        Candidates.Select(name => NativeLibrary.TryLoad(name, out nint library) ? new Nvrtc(library, name) : null).OfType<Nvrtc>().ToList();

    /// <summary>The library file loaded, e.g. "libnvrtc.so.11.2".</summary>
    public string File { get; }

    /// <summary>NVRTC's own version (11.8 for Debian's libnvrtc11.2 package).</summary>
    public Version Version { get; }

    /// <summary>The SM architectures this NVRTC compiles for (e.g. 35 … 90), empty when it cannot say.</summary>
    public IReadOnlyList<int> SupportedArchitectures()
    {
        if (getNumSupportedArchs == null || getSupportedArchs == null) return [];
        int count;
        Check(getNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
        var archs = new int[count];
        fixed (int* a = archs) Check(getSupportedArchs(a), "nvrtcGetSupportedArchs");
        return archs;
    }

    /// <summary>
    /// Compiles <paramref name="source"/> to PTX with <paramref name="options"/> (e.g.
    /// "--gpu-architecture=compute_80", "-DGG_CUDA"). A failed compile throws with the full program
    /// log; a successful one returns the PTX and the log (warnings), which is usually empty.
    /// </summary>
    public (byte[] Ptx, string Log) Compile(string name, string source, IReadOnlyList<string> options)
    {
        nint program;
        byte[] src = Encoding.UTF8.GetBytes(source + "\0"), file = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* s = src, f = file) Check(createProgram(&program, s, f, 0, null, null), $"nvrtcCreateProgram ({name})");
        try
        {
            var bytes = options.Select(o => Encoding.UTF8.GetBytes(o + "\0")).ToArray();
            var handles = bytes.Select(b => GCHandle.Alloc(b, GCHandleType.Pinned)).ToArray();
            int status;
            try
            {
                byte** opts = stackalloc byte*[Math.Max(1, bytes.Length)];
                for (int i = 0; i < bytes.Length; i++) opts[i] = (byte*)handles[i].AddrOfPinnedObject();
                status = compileProgram(program, bytes.Length, opts);
            }
            finally
            {
                foreach (var h in handles) h.Free();
            }
            string log = Log(program);
            if (status != 0)
                throw new CudaException($"nvrtcCompileProgram ({name}, options \"{string.Join(' ', options)}\") failed with {ErrorString(status)}; program log:\n{log}");
            nuint size;
            Check(getPtxSize(program, &size), "nvrtcGetPTXSize");
            var ptx = new byte[(int)size];
            fixed (byte* p = ptx) Check(getPtx(program, p), "nvrtcGetPTX");
            return (ptx, log);
        }
        finally
        {
            destroyProgram(&program);
        }
    }

    private string Log(nint program)
    {
        nuint size;
        if (getLogSize(program, &size) != 0 || size <= 1) return "";
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
            if (getLog(program, b) != 0) return "(no program log)";
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    private string ErrorString(int status)
    {
        byte* text = getErrorString(status);
        return text == null ? $"nvrtcResult {status}" : $"{Marshal.PtrToStringUTF8((nint)text)} ({status})";
    }

    private void Check(int status, string call)
    {
        if (status != 0) throw new CudaException($"{call} failed with {ErrorString(status)} ({File})");
    }

    private static nint Export(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out nint address)
            ? address
            : throw new CudaException($"the NVRTC library lacks the entry point {name}");
}
