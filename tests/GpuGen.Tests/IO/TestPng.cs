using System.Buffers.Binary;
using System.IO.Compression;

namespace GpuGen.Tests.IO;

/// <summary>
/// PNG files assembled by hand (signature, IHDR, one zlib IDAT, IEND with their CRCs), for the bit
/// depths, sizes and declared sizes an encoder of ours never writes: 16-bit, zero-sized, enormous.
/// </summary>
static class TestPng
{
    public const byte Grey = 0, Rgb = 2, GreyAlpha = 4;

    /// <summary>
    /// A PNG declaring <paramref name="width"/>×<paramref name="height"/> at <paramref name="bitDepth"/>
    /// bits and colour type <paramref name="colorType"/>; the body holds the first <paramref name="rows"/>
    /// rows (all by default) of <paramref name="pixels"/>, each row behind filter byte 0.
    /// </summary>
    public static byte[] Encode(int width, int height, int bitDepth, byte colorType, byte[] pixels, int? rows = null)
    {
        int channels = colorType switch { Grey => 1, Rgb => 3, GreyAlpha => 2, _ => throw new ArgumentException("colour type") };
        int rowBytes = width * channels * bitDepth / 8, n = rows ?? height;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
            for (int y = 0; y < n; y++)
            {
                z.WriteByte(0);
                z.Write(pixels, (y * rowBytes) % Math.Max(1, pixels.Length), Math.Min(rowBytes, pixels.Length));
            }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = colorType;
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head.AsSpan(4));
        s.Write(head);
        s.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. head[4..], .. data]));
        s.Write(crc);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    static uint Crc32(byte[] bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }
}
