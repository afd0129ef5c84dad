using System.Runtime.InteropServices;

namespace GpuGen.Backends.OpenCL;

/// <summary>
/// The OpenCL 1.2 host calls GpuGen uses, bound to the ICD loader libOpenCL.so.1 (the unversioned
/// name needs the -dev package). Source-generated, so trimming- and AOT-safe. Handles are plain
/// pointers here; <see cref="ClHandle"/> owns the ones that must be released.
/// </summary>
internal static unsafe partial class Cl
{
    private const string Library = "libOpenCL.so.1";

    public const int Success = 0;
    public const int PlatformNotFoundKhr = -1001;

    public const ulong DeviceTypeAll = 0xFFFFFFFF;

    // clGetPlatformInfo
    public const uint PlatformName = 0x0902;
    public const uint PlatformVersion = 0x0901;

    // clGetDeviceInfo
    public const uint DeviceType = 0x1000;
    public const uint DeviceMaxComputeUnits = 0x1002;
    public const uint DeviceMaxWorkGroupSize = 0x1004;
    public const uint DeviceMaxMemAllocSize = 0x1010;
    public const uint DeviceGlobalMemSize = 0x101F;
    public const uint DeviceLocalMemSize = 0x1023;
    public const uint DeviceName = 0x102B;
    public const uint DeviceVendor = 0x102C;
    public const uint DriverVersion = 0x102D;
    public const uint DeviceVersion = 0x102F;

    // clGetProgramBuildInfo / clGetProgramInfo
    public const uint ProgramBuildLog = 0x1183;
    public const uint ProgramBinarySizes = 0x1165;
    public const uint ProgramBinaries = 0x1166;

    public const ulong MemReadWrite = 1 << 0;

    // clCreateCommandQueue properties
    public const ulong QueueProfilingEnable = 1 << 1;

    // clGetEventInfo / clGetEventProfilingInfo
    public const uint EventCommandExecutionStatus = 0x11D3;
    public const int Complete = 0x0;
    public const uint ProfilingCommandEnd = 0x1283;

    [LibraryImport(Library)]
    public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);

    [LibraryImport(Library)]
    public static partial int clGetPlatformInfo(nint platform, uint name, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial int clGetDeviceIDs(nint platform, ulong type, uint numEntries, nint* devices, uint* numDevices);

    [LibraryImport(Library)]
    public static partial int clGetDeviceInfo(nint device, uint name, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial nint clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, int* status);

    [LibraryImport(Library)]
    public static partial int clReleaseContext(nint context);

    [LibraryImport(Library)]
    public static partial nint clCreateCommandQueue(nint context, nint device, ulong properties, int* status);

    [LibraryImport(Library)]
    public static partial int clReleaseCommandQueue(nint queue);

    [LibraryImport(Library)]
    public static partial nint clCreateBuffer(nint context, ulong flags, nuint size, void* host, int* status);

    [LibraryImport(Library)]
    public static partial int clReleaseMemObject(nint memory);

    [LibraryImport(Library)]
    public static partial nint clCreateProgramWithSource(nint context, uint count, byte** strings, nuint* lengths, int* status);

    [LibraryImport(Library)]
    public static partial nint clCreateProgramWithBinary(nint context, uint numDevices, nint* devices, nuint* lengths, byte** binaries, int* binaryStatus, int* status);

    [LibraryImport(Library)]
    public static partial int clBuildProgram(nint program, uint numDevices, nint* devices, byte* options, nint notify, nint userData);

    [LibraryImport(Library)]
    public static partial int clGetProgramBuildInfo(nint program, nint device, uint name, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial int clGetProgramInfo(nint program, uint name, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial int clReleaseProgram(nint program);

    [LibraryImport(Library)]
    public static partial nint clCreateKernel(nint program, byte* name, int* status);

    [LibraryImport(Library)]
    public static partial int clReleaseKernel(nint kernel);

    [LibraryImport(Library)]
    public static partial int clSetKernelArg(nint kernel, uint index, nuint size, void* value);

    [LibraryImport(Library)]
    public static partial int clEnqueueNDRangeKernel(nint queue, nint kernel, uint dims, nuint* offset, nuint* global, nuint* local,
        uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clEnqueueWriteBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* src,
        uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clEnqueueReadBuffer(nint queue, nint buffer, uint blocking, nuint offset, nuint size, void* dst,
        uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clFinish(nint queue);

    [LibraryImport(Library)]
    public static partial int clEnqueueMarkerWithWaitList(nint queue, uint numEvents, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clWaitForEvents(uint numEvents, nint* events);

    [LibraryImport(Library)]
    public static partial int clGetEventInfo(nint evt, uint name, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial int clGetEventProfilingInfo(nint evt, uint name, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial int clReleaseEvent(nint evt);

    /// <summary>Throws an <see cref="OpenClException"/> naming the call and the status unless it succeeded.</summary>
    public static void Check(int status, string call)
    {
        if (status != Success) throw new OpenClException(call, status);
    }
}
