using System.Runtime.InteropServices;

namespace GpuGen.Backends.Cuda;

/// <summary>
/// The CUDA driver API calls GpuGen uses, bound to libcuda.so.1 (installed with the NVIDIA driver,
/// not the toolkit). Source-generated, so trimming- and AOT-safe. Handles (CUcontext, CUstream,
/// CUmodule, CUfunction, CUevent, CUgraph, CUgraphExec) are plain pointers; device memory is a
/// 64-bit CUdeviceptr. The _v2 entry points are the ones cuda.h maps the plain names to.
/// </summary>
internal static unsafe partial class Cu
{
    private const string Library = "libcuda.so.1";

    public const int Success = 0;
    public const int ErrorNoDevice = 100;
    public const int ErrorNotReady = 600;

    // CUdevice_attribute
    public const int AttrMaxThreadsPerBlock = 1;
    public const int AttrMaxSharedMemoryPerBlock = 8;
    public const int AttrWarpSize = 10;
    public const int AttrClockRate = 13;
    public const int AttrMultiprocessorCount = 16;
    public const int AttrMemoryClockRate = 36;
    public const int AttrGlobalMemoryBusWidth = 37;
    public const int AttrComputeCapabilityMajor = 75;
    public const int AttrComputeCapabilityMinor = 76;

    public const uint StreamNonBlocking = 1;
    public const uint EventDefault = 0;
    public const uint MemHostAllocPortable = 1;

    /// <summary>
    /// CU_STREAM_CAPTURE_MODE_RELAXED: synchronous calls stay legal during a capture (host writes go
    /// straight to the device with cuMemcpyHtoD then, outside the graph).
    /// </summary>
    public const int CaptureModeRelaxed = 2;

    public const int GraphNodeTypeKernel = 0;

    // CUjit_option for cuModuleLoadDataEx: the JIT's error log.
    public const int JitErrorLogBuffer = 5;
    public const int JitErrorLogBufferSizeBytes = 6;

    [LibraryImport(Library)] public static partial int cuInit(uint flags);
    [LibraryImport(Library)] public static partial int cuDriverGetVersion(int* version);
    [LibraryImport(Library)] public static partial int cuDeviceGetCount(int* count);
    [LibraryImport(Library)] public static partial int cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Library)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Library)] public static partial int cuDeviceGetAttribute(int* value, int attribute, int device);
    [LibraryImport(Library, EntryPoint = "cuDeviceTotalMem_v2")] public static partial int cuDeviceTotalMem(nuint* bytes, int device);

    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);
    [LibraryImport(Library, EntryPoint = "cuDevicePrimaryCtxRelease_v2")] public static partial int cuDevicePrimaryCtxRelease(int device);
    [LibraryImport(Library)] public static partial int cuCtxSetCurrent(nint context);

    [LibraryImport(Library)] public static partial int cuStreamCreate(nint* stream, uint flags);
    [LibraryImport(Library, EntryPoint = "cuStreamDestroy_v2")] public static partial int cuStreamDestroy(nint stream);
    [LibraryImport(Library)] public static partial int cuStreamSynchronize(nint stream);

    [LibraryImport(Library)] public static partial int cuEventCreate(nint* evt, uint flags);
    [LibraryImport(Library)] public static partial int cuEventRecord(nint evt, nint stream);
    [LibraryImport(Library)] public static partial int cuEventSynchronize(nint evt);
    [LibraryImport(Library)] public static partial int cuEventQuery(nint evt);
    [LibraryImport(Library)] public static partial int cuEventElapsedTime(float* milliseconds, nint start, nint end);
    [LibraryImport(Library, EntryPoint = "cuEventDestroy_v2")] public static partial int cuEventDestroy(nint evt);

    [LibraryImport(Library)] public static partial int cuModuleLoadDataEx(nint* module, void* image, uint count, int* options, void** values);
    [LibraryImport(Library)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Library)] public static partial int cuModuleGetFunction(nint* function, nint module, byte* name);
    [LibraryImport(Library)]
    public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, nint stream, void** parameters, void** extra);

    [LibraryImport(Library, EntryPoint = "cuMemAlloc_v2")] public static partial int cuMemAlloc(ulong* pointer, nuint bytes);
    [LibraryImport(Library, EntryPoint = "cuMemFree_v2")] public static partial int cuMemFree(ulong pointer);
    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoDAsync_v2")] public static partial int cuMemcpyHtoDAsync(ulong dst, void* src, nuint bytes, nint stream);
    [LibraryImport(Library, EntryPoint = "cuMemcpyDtoHAsync_v2")] public static partial int cuMemcpyDtoHAsync(void* dst, ulong src, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuMemHostAlloc(void** pointer, nuint bytes, uint flags);
    [LibraryImport(Library)] public static partial int cuMemFreeHost(void* pointer);

    [LibraryImport(Library, EntryPoint = "cuStreamBeginCapture_v2")] public static partial int cuStreamBeginCapture(nint stream, int mode);
    [LibraryImport(Library)] public static partial int cuStreamEndCapture(nint stream, nint* graph);
    [LibraryImport(Library)] public static partial int cuGraphInstantiateWithFlags(nint* exec, nint graph, ulong flags);
    [LibraryImport(Library)] public static partial int cuGraphLaunch(nint exec, nint stream);
    [LibraryImport(Library)] public static partial int cuGraphGetRootNodes(nint graph, nint* nodes, nuint* count);
    [LibraryImport(Library)] public static partial int cuGraphNodeGetDependentNodes(nint node, nint* nodes, nuint* count);
    [LibraryImport(Library)] public static partial int cuGraphNodeGetType(nint node, int* type);
    [LibraryImport(Library)] public static partial int cuGraphExecKernelNodeSetParams(nint exec, nint node, KernelNodeParams* parameters);
    [LibraryImport(Library, EntryPoint = "cuMemcpyHtoD_v2")] public static partial int cuMemcpyHtoD(ulong dst, void* src, nuint bytes);
    [LibraryImport(Library)] public static partial int cuGraphExecDestroy(nint exec);
    [LibraryImport(Library)] public static partial int cuGraphDestroy(nint graph);

    [LibraryImport(Library)] public static partial int cuGetErrorName(int status, byte** name);
    [LibraryImport(Library)] public static partial int cuGetErrorString(int status, byte** text);

    /// <summary>CUDA_KERNEL_NODE_PARAMS (the v1 layout that cuGraphExecKernelNodeSetParams takes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct KernelNodeParams
    {
        public nint Function;
        public uint GridX, GridY, GridZ, BlockX, BlockY, BlockZ, SharedBytes;
        public void** Parameters;
        public void** Extra;
    }

    /// <summary>Throws <see cref="CudaException"/> naming <paramref name="call"/> unless <paramref name="status"/> is CUDA_SUCCESS.</summary>
    public static void Check(int status, string call)
    {
        if (status != Success) throw new CudaException(call, status);
    }

    /// <summary>"CUDA_ERROR_X: text" for a status, or its number when the driver cannot say.</summary>
    public static string Describe(int status)
    {
        try
        {
            byte* name = null, text = null;
            string n = cuGetErrorName(status, &name) == Success && name != null ? Marshal.PtrToStringUTF8((nint)name)! : $"CUresult {status}";
            string t = cuGetErrorString(status, &text) == Success && text != null ? Marshal.PtrToStringUTF8((nint)text)! : "";
            return t.Length > 0 ? $"{n}: {t}" : n;
        }
        catch (DllNotFoundException)
        {
            return $"CUresult {status}";
        }
    }
}
