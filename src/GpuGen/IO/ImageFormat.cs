using System.Buffers.Binary;

namespace GpuGen.IO;

/// <summary>
/// The image formats GpuGen decodes (StbImageSharp: PNG, JPEG, BMP, TGA, GIF's first frame, PSD,
/// HDR), told apart by their first bytes and by their file extensions, so a file whose name and
/// contents disagree is named as such instead of being decoded as something it does not claim to be.
/// </summary>
static class ImageFormat
{
    /// <summary>Extensions of the files GpuGen reads as images, with the format each names.</summary>
    public static readonly IReadOnlyDictionary<string, string> Extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "PNG", [".jpg"] = "JPEG", [".jpeg"] = "JPEG", [".bmp"] = "BMP", [".tga"] = "TGA",
        [".gif"] = "GIF", [".psd"] = "PSD", [".hdr"] = "HDR",
    };

    /// <summary>"PNG, JPEG, BMP, TGA, GIF, PSD, HDR" for messages.</summary>
    public static string Names => string.Join(", ", Extensions.Values.Distinct());

    /// <summary>The format the first bytes announce, or null when they announce none (TGA has no signature).</summary>
    public static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) return "PNG";
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8])) return "JPEG";
        if (b.StartsWith("BM"u8)) return "BMP";
        if (b.StartsWith("GIF8"u8)) return "GIF";
        if (b.StartsWith("8BPS"u8)) return "PSD";
        if (b.StartsWith("#?RADIANCE"u8) || b.StartsWith("#?RGBE"u8)) return "HDR";
        return null;
    }

    /// <summary>
    /// Why <paramref name="path"/>'s name does not fit <paramref name="contents"/> (an extension GpuGen
    /// does not read, or one naming another format than the bytes announce), or null when it fits.
    /// </summary>
    public static string? Mismatch(string path, ReadOnlySpan<byte> contents)
    {
        string ext = Path.GetExtension(path);
        if (!Extensions.TryGetValue(ext, out var named))
            return $"'{(ext.Length == 0 ? "(no extension)" : ext)}' is not an image extension GpuGen reads ({string.Join(" ", Extensions.Keys)})";
        string? actual = Sniff(contents);
        if (actual is not null && actual != named) return $"the file holds a {actual} image but is named {ext} ({named}); rename it";
        if (actual is null && named != "TGA" && contents.Length > 0) return $"the file does not start like a {named} image";
        return null;
    }

    /// <summary>
    /// The width and height a PNG, GIF or BMP header declares (read here, so that a size the decoder
    /// itself refuses as "too large" is still reported as the size it is), or null for other formats
    /// and headers cut short.
    /// </summary>
    public static (long Width, long Height)? DeclaredSize(ReadOnlySpan<byte> b) => Sniff(b) switch
    {
        "PNG" when b.Length >= 24 => (BinaryPrimitives.ReadUInt32BigEndian(b[16..]), BinaryPrimitives.ReadUInt32BigEndian(b[20..])),
        "GIF" when b.Length >= 10 => (BinaryPrimitives.ReadUInt16LittleEndian(b[6..]), BinaryPrimitives.ReadUInt16LittleEndian(b[8..])),
        // BMP heights are negative for top-down rows.
        "BMP" when b.Length >= 26 => (BinaryPrimitives.ReadInt32LittleEndian(b[18..]), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(b[22..]))),
        _ => null,
    };
}
