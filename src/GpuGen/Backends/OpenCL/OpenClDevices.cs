using System.Text;

namespace GpuGen.Backends.OpenCL;

/// <summary>
/// Discovery: every device of every platform (CL_DEVICE_TYPE_ALL — PoCL's only device is a CPU),
/// numbered in platform order. No ICD loader (libOpenCL.so.1 missing) or no driver behind it
/// (clGetPlatformIDs → CL_PLATFORM_NOT_FOUND_KHR) means no devices, not an error.
/// </summary>
internal static unsafe class OpenClDevices
{
    private static readonly Lazy<IReadOnlyList<(nint Platform, nint Device)>> All = new(Discover);

    public static IReadOnlyList<(nint Platform, nint Device)> List() => All.Value;

    private static IReadOnlyList<(nint Platform, nint Device)> Discover()
    {
        var found = new List<(nint, nint)>();
        uint count;
        try
        {
            int status = Cl.clGetPlatformIDs(0, null, &count);
            if (status == Cl.PlatformNotFoundKhr || count == 0) return found;
            Cl.Check(status, "clGetPlatformIDs");
        }
        catch (DllNotFoundException)
        {
            return found;
        }
        catch (EntryPointNotFoundException)
        {
            return found;
        }
        var platforms = new nint[count];
        fixed (nint* p = platforms) Cl.Check(Cl.clGetPlatformIDs(count, p, &count), "clGetPlatformIDs");
        foreach (nint platform in platforms)
        {
            uint n;
            int status = Cl.clGetDeviceIDs(platform, Cl.DeviceTypeAll, 0, null, &n);
            if (status == -1 /* CL_DEVICE_NOT_FOUND */ || n == 0) continue;
            Cl.Check(status, "clGetDeviceIDs");
            var devices = new nint[n];
            fixed (nint* d = devices) Cl.Check(Cl.clGetDeviceIDs(platform, Cl.DeviceTypeAll, n, d, &n), "clGetDeviceIDs");
            foreach (nint device in devices) found.Add((platform, device));
        }
        return found;
    }

    public static string DeviceString(nint device, uint param)
    {
        nuint size;
        Cl.Check(Cl.clGetDeviceInfo(device, param, 0, null, &size), "clGetDeviceInfo");
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) Cl.Check(Cl.clGetDeviceInfo(device, param, size, b, null), "clGetDeviceInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    public static string PlatformString(nint platform, uint param)
    {
        nuint size;
        Cl.Check(Cl.clGetPlatformInfo(platform, param, 0, null, &size), "clGetPlatformInfo");
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) Cl.Check(Cl.clGetPlatformInfo(platform, param, size, b, null), "clGetPlatformInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0').Trim();
    }

    public static T DeviceValue<T>(nint device, uint param) where T : unmanaged
    {
        T value = default;
        Cl.Check(Cl.clGetDeviceInfo(device, param, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }
}
