using System.Runtime.InteropServices;

namespace GpuGen.IO;

/// <summary>
/// Thin bindings to Debian's libstb (stb_image + stb_image_write compiled as one shared library),
/// covering only what <see cref="Image"/> uses. Source-generated (LibraryImport) so they stay
/// trimming- and NativeAOT-safe; strings come back as raw pointers and are decoded by hand.
/// </summary>
static unsafe partial class StbNative
{
    const string Library = "libstb.so.0";

    [LibraryImport(Library, EntryPoint = "stbi_load_from_memory")]
    private static partial byte* LoadFromMemoryRaw(byte* buffer, int length, int* x, int* y, int* channelsInFile, int desiredChannels);

    [LibraryImport(Library, EntryPoint = "stbi_image_free")]
    private static partial void ImageFreeRaw(void* pixels);

    // stb keeps the reason in a thread-local (STBI_THREAD_LOCAL since stb_image 2.26), so reading
    // it right after a failed call on the same thread is safe under concurrent decoders.
    [LibraryImport(Library, EntryPoint = "stbi_failure_reason")]
    private static partial byte* FailureReasonRaw();

    [LibraryImport(Library, EntryPoint = "stbi_write_png_to_mem")]
    private static partial byte* WritePngToMemRaw(byte* pixels, int strideBytes, int x, int y, int channels, int* outLength);

    [LibraryImport(Library, EntryPoint = "stbi_write_jpg_to_func")]
    private static partial int WriteJpgToFuncRaw(delegate* unmanaged<void*, void*, int, void> func, void* context, int x, int y, int channels, void* data, int quality);

    static readonly Lazy<bool> Available = new(() =>
        NativeLibrary.TryLoad(Library, typeof(StbNative).Assembly, null, out _));

    /// <summary>Throws a helpful error when libstb is not installed, instead of a bare DllNotFoundException.</summary>
    static void EnsureLoaded()
    {
        if (!Available.Value)
            throw new DllNotFoundException(
                $"GpuGen reads and writes images through stb ({Library}), which was not found; " +
                "install it with `apt-get install libstb0`.");
    }

    internal static byte* LoadFromMemory(byte* buffer, int length, out int x, out int y, out int channelsInFile, int desiredChannels)
    {
        EnsureLoaded();
        int w, h, c;
        byte* result = LoadFromMemoryRaw(buffer, length, &w, &h, &c, desiredChannels);
        (x, y, channelsInFile) = (w, h, c);
        return result;
    }

    /// <summary>Frees memory returned by stb (stbi_load_* and stbi_write_*_to_mem both use malloc).</summary>
    internal static void Free(void* pixels)
    {
        if (pixels != null) ImageFreeRaw(pixels);
    }

    internal static string FailureReason()
    {
        byte* reason = FailureReasonRaw();
        return reason == null ? "unknown reason" : Marshal.PtrToStringUTF8((nint)reason) ?? "unknown reason";
    }

    internal static byte* WritePngToMem(byte* pixels, int strideBytes, int x, int y, int channels, out int length)
    {
        EnsureLoaded();
        int len;
        byte* result = WritePngToMemRaw(pixels, strideBytes, x, y, channels, &len);
        length = len;
        return result;
    }

    /// <summary>Encodes a JPEG (used by tests to produce JPEG input; not part of the public API).</summary>
    internal static byte[] WriteJpg(byte* pixels, int x, int y, int channels, int quality)
    {
        EnsureLoaded();
        var sink = new MemoryStream();
        var handle = GCHandle.Alloc(sink);
        try
        {
            int ok = WriteJpgToFuncRaw(&AppendToStream, (void*)GCHandle.ToIntPtr(handle), x, y, channels, pixels, quality);
            if (ok == 0) throw new InvalidOperationException("stbi_write_jpg_to_func failed");
            return sink.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    [UnmanagedCallersOnly]
    static void AppendToStream(void* context, void* data, int size)
    {
        var sink = (MemoryStream)GCHandle.FromIntPtr((nint)context).Target!;
        sink.Write(new ReadOnlySpan<byte>(data, size));
    }
}
