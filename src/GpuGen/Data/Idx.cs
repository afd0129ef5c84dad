using System.Buffers.Binary;
using System.IO.Compression;
using GpuGen.IO;

namespace GpuGen.Data;

/// <summary>
/// The IDX format of LeCun's MNIST files (http://yann.lecun.com/exdb/mnist/), also used by
/// Fashion-MNIST and KMNIST: a big-endian magic <c>00 00 TT DD</c> (TT the element type, 0x08 =
/// unsigned byte; DD the number of dimensions), DD big-endian int32 sizes, then the elements in
/// row-major order. Images are <c>0x00000803</c> [N, H, W], labels <c>0x00000801</c> [N].
/// Files may be gzip-compressed (detected by the gzip magic 1F 8B, whatever the name says).
/// Only unsigned-byte files are supported: that is what every image dataset in this format holds.
/// </summary>
public static class Idx
{
    /// <summary>Magic of an unsigned-byte image file [N, H, W].</summary>
    public const uint ImagesMagic = 0x00000803;

    /// <summary>Magic of an unsigned-byte label file [N].</summary>
    public const uint LabelsMagic = 0x00000801;

    const byte UnsignedByte = 0x08;

    /// <summary>Reads an unsigned-byte IDX file of any rank (raw or gzip), checking header and length.</summary>
    /// <exception cref="InvalidDataException">The file is not a complete unsigned-byte IDX file.</exception>
    public static byte[] Read(string path, out int[] shape) => Parse(path, Load(path), expectedRank: null, out shape);

    /// <summary>Reads images [N, H, W] (magic 0x00000803).</summary>
    /// <exception cref="InvalidDataException">Wrong magic, dimension count or length; the message names the file.</exception>
    public static byte[] ReadImages(string path, out int count, out int height, out int width)
    {
        var data = Parse(path, Load(path), expectedRank: 3, out var shape);
        (count, height, width) = (shape[0], shape[1], shape[2]);
        if (height == 0 || width == 0)
            throw new InvalidDataException($"{path}: header says images of {height}×{width}; an image needs at least one pixel");
        return data;
    }

    /// <summary>Reads labels [N] (magic 0x00000801).</summary>
    public static byte[] ReadLabels(string path) => Parse(path, Load(path), expectedRank: 1, out _);

    /// <summary>
    /// Writes an unsigned-byte IDX file atomically; gzip-compressed when <paramref name="gzip"/> is
    /// true, or when it is null and the name ends in ".gz".
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> data, ReadOnlySpan<int> shape, bool? gzip = null)
    {
        if (shape.Length is 0 or > 255)
            throw new ArgumentException($"an IDX file has 1 to 255 dimensions, not {shape.Length}", nameof(shape));
        long count = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            count *= d;
        }
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] holds {count} elements, but {data.Length} were given", nameof(data));

        var header = new byte[4 + 4 * shape.Length];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(UnsignedByte << 8 | shape.Length));
        for (int i = 0; i < shape.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), shape[i]);

        bool compress = gzip ?? path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        using var file = AtomicFile.Create(path);
        if (compress)
        {
            using var z = new GZipStream(file.Stream, CompressionLevel.Fastest, leaveOpen: true);
            z.Write(header);
            z.Write(data);
        }
        else
        {
            file.Stream.Write(header);
            file.Stream.Write(data);
        }
        file.Commit();
    }

    /// <summary>Writes images [N, H, W] (N·H·W bytes).</summary>
    public static void WriteImages(string path, ReadOnlySpan<byte> pixels, int count, int height, int width, bool? gzip = null) =>
        Write(path, pixels, [count, height, width], gzip);

    /// <summary>Writes labels [N].</summary>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels, bool? gzip = null) =>
        Write(path, labels, [labels.Length], gzip);

    /// <summary>The file's bytes, decompressed when it starts with the gzip magic.</summary>
    static byte[] Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 2 || bytes[0] != 0x1F || bytes[1] != 0x8B) return bytes;
        try
        {
            using var z = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var output = new MemoryStream(capacity: bytes.Length * 4);
            z.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the gzip data is corrupt or truncated ({e.Message})", e);
        }
    }

    static byte[] Parse(string path, byte[] content, int? expectedRank, out int[] shape)
    {
        string expected = expectedRank switch
        {
            3 => "0x00000803 (unsigned-byte images [N, H, W])",
            1 => "0x00000801 (unsigned-byte labels [N])",
            _ => "0x000008DD (unsigned bytes, DD dimensions)",
        };
        if (content.Length < 4)
            throw new InvalidDataException($"{path}: holds {content.Length} bytes, too short for an IDX header; expected magic {expected}");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(content);
        int type = content[2], rank = content[3];
        if (content[0] != 0 || content[1] != 0)
            throw new InvalidDataException($"{path}: not an IDX file (magic 0x{magic:X8}; expected {expected})");
        if (type != UnsignedByte)
            throw new InvalidDataException($"{path}: magic 0x{magic:X8} says {TypeName(type)} elements; expected {expected}");
        if (expectedRank is { } want && rank != want)
            throw new InvalidDataException($"{path}: magic 0x{magic:X8} says {rank} dimension{(rank == 1 ? "" : "s")}; expected {expected}" +
                (rank is 1 or 3 ? $" — is this the {(rank == 1 ? "labels" : "images")} file?" : ""));
        if (rank == 0)
            throw new InvalidDataException($"{path}: magic 0x{magic:X8} says 0 dimensions; expected {expected}");

        int headerBytes = 4 + 4 * rank;
        if (content.Length < headerBytes)
            throw new InvalidDataException($"{path}: header of {rank} dimensions needs {headerBytes} bytes but the file holds {content.Length}");
        shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(4 + 4 * i));
            if (d < 0) throw new InvalidDataException($"{path}: header gives dimension {i} a negative size ({d})");
            shape[i] = d;
            count *= d;
            if (count > Array.MaxLength)
                throw new InvalidDataException($"{path}: header says {Describe(shape[..(i + 1)], rank)} — more than one array can hold");
        }
        long held = content.Length - headerBytes;
        if (held != count)
            throw new InvalidDataException($"{path}: header says {Describe(shape, rank)} = {count} bytes but the file holds {held}" +
                (held > count ? " (trailing data: wrong header or two files joined?)" : ""));
        return content[headerBytes..];
    }

    static string Describe(int[] shape, int rank) => rank switch
    {
        3 when shape.Length == 3 => $"{shape[0]} images of {shape[1]}×{shape[2]}",
        1 => $"{shape[0]} labels",
        _ => $"shape [{string.Join(", ", shape)}]",
    };

    static string TypeName(int type) => type switch
    {
        0x08 => "unsigned-byte",
        0x09 => "signed-byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => $"unknown (type code 0x{type:X2})",
    };
}
