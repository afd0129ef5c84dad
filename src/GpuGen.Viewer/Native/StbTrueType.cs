using System.Runtime.InteropServices;

namespace GpuGen.Viewer.Native;

/// <summary>
/// stb_truetype from Debian's libstb0 (libstb.so.0 exports the stbtt_* functions): only the simple
/// baking API, which rasterises a run of code points into an 8-bit coverage bitmap once.
/// </summary>
internal static unsafe partial class StbTrueType
{
    public const string Library = "libstb.so.0";

    /// <summary>stbtt_bakedchar: the glyph's box in the bitmap, its offset from the pen and its advance.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BakedChar
    {
        public ushort X0, Y0, X1, Y1;
        public float XOff, YOff, XAdvance;
    }

    /// <summary>Returns the first unused row when all fit, else minus the number of characters that fit.</summary>
    [LibraryImport(Library, EntryPoint = "stbtt_BakeFontBitmap")]
    public static partial int BakeFontBitmap(byte* data, int offset, float pixelHeight, byte* pixels, int pw, int ph, int firstChar, int numChars, BakedChar* chardata);

    public static bool IsInstalled => NativeLibrary.TryLoad(Library, typeof(StbTrueType).Assembly, null, out _);
}
