using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace GpuGen.IO;

/// <summary>
/// NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) for
/// float32 and int32 arrays: magic "\x93NUMPY", version, little-endian header length, a Python dict
/// literal <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c> padded with spaces and
/// a newline so the data starts at a multiple of 64 bytes, then the raw C-order data.
/// </summary>
public static class Npy
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    const int Align = 64;

    /// <summary>Writes a float32 array ('&lt;f4') atomically.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape) =>
        WriteRaw(path, "<f4", MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>Writes an int32 array ('&lt;i4') atomically.</summary>
    public static void Write(string path, ReadOnlySpan<int> data, ReadOnlySpan<int> shape) =>
        WriteRaw(path, "<i4", MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>Reads a float32 file; an int32 file is an error naming the file.</summary>
    public static float[] ReadFloat32(string path, out int[] shape)
    {
        var a = Read(path);
        shape = a.Shape;
        return a.Float32 ?? throw new InvalidDataException($"npy file {path}: holds '{a.Descr}' data, expected '<f4' (float32)");
    }

    /// <summary>Reads an int32 file; a float32 file is an error naming the file.</summary>
    public static int[] ReadInt32(string path, out int[] shape)
    {
        var a = Read(path);
        shape = a.Shape;
        return a.Int32 ?? throw new InvalidDataException($"npy file {path}: holds '{a.Descr}' data, expected '<i4' (int32)");
    }

    /// <summary>Reads a float32 or int32 .npy file, validating the header and the data length.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid .npy file of a supported type.</exception>
    public static NpyArray Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = RandomAccess.GetLength(handle);
        string where = $"npy file {path}";

        Span<byte> prefix = stackalloc byte[12];
        int got = ReadAt(handle, prefix, 0);
        if (got < 10 || !prefix[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{where}: not a .npy file (it does not start with \"\\x93NUMPY\")");
        int major = prefix[6], minor = prefix[7];
        long headerLength, headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
                headerStart = 10;
                break;
            case 2 or 3:   // 2.0 widens the length to 4 bytes; 3.0 also allows UTF-8 in the header
                if (got < 12) throw new InvalidDataException($"{where}: truncated header");
                headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
                headerStart = 12;
                break;
            default:
                throw new InvalidDataException($"{where}: format version {major}.{minor} is not supported (expected 1.0, 2.0 or 3.0)");
        }
        if (headerStart + headerLength > fileLength)
            throw new InvalidDataException($"{where}: header length {headerLength} runs past the end of the {fileLength}-byte file");
        if (headerLength > 1 << 20)   // NumPy itself refuses headers this large unless told to trust the file
            throw new InvalidDataException($"{where}: header length {headerLength} exceeds the 1 MiB limit");

        var headerBytes = new byte[headerLength];
        ReadAt(handle, headerBytes, headerStart);
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var (descr, fortran, shape) = ParseHeader(header, where);

        if (fortran)
            throw new InvalidDataException($"{where}: fortran_order is True; only C-order arrays are supported (save with np.ascontiguousarray)");
        if (descr is not ("<f4" or "<i4"))
            throw new InvalidDataException($"{where}: dtype '{descr}' is not supported (expected '<f4' float32 or '<i4' int32)");

        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > Array.MaxLength)
                throw new InvalidDataException($"{where}: shape {FormatShape(shape)} has too many elements for one array");
        }
        long dataStart = headerStart + headerLength;
        long expected = count * 4;
        long actual = fileLength - dataStart;
        if (actual != expected)
            throw new InvalidDataException(
                $"{where}: shape {FormatShape(shape)} of '{descr}' needs {expected} data bytes but the file has {actual}");

        if (descr == "<f4")
        {
            var data = new float[count];
            ReadAt(handle, MemoryMarshal.AsBytes(data.AsSpan()), dataStart);
            if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(data.AsSpan()), MemoryMarshal.Cast<float, int>(data.AsSpan()));
            return new NpyArray(shape, data, null);
        }
        else
        {
            var data = new int[count];
            ReadAt(handle, MemoryMarshal.AsBytes(data.AsSpan()), dataStart);
            if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(data, data);
            return new NpyArray(shape, null, data);
        }
    }

    /// <summary>The complete version-1.0 header (magic through the newline) that NumPy itself writes.</summary>
    internal static byte[] EncodeHeader(string descr, ReadOnlySpan<int> shape)
    {
        var dict = new StringBuilder("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) dict.Append(", ");
            dict.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        if (shape.Length == 1) dict.Append(','); // Python's one-element tuple
        dict.Append("), }");
        // 6 magic + 2 version + 2 length + dict + padding + '\n' ≡ 0 (mod 64), as numpy.lib.format does.
        int unpadded = 10 + dict.Length + 1;
        int total = (unpadded + Align - 1) / Align * Align;
        dict.Append(' ', total - unpadded).Append('\n');
        if (dict.Length > ushort.MaxValue) throw new ArgumentException("shape too long for a version-1.0 .npy header");

        var bytes = new byte[total];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)dict.Length);
        Encoding.ASCII.GetBytes(dict.ToString(), bytes.AsSpan(10));
        return bytes;
    }

    static void WriteRaw(string path, string descr, ReadOnlySpan<byte> data, int count, ReadOnlySpan<int> shape)
    {
        long product = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            product *= d;
        }
        if (product != count)
            throw new ArgumentException($"shape {FormatShape(shape)} has {product} elements but the data has {count}", nameof(shape));
        byte[] header = EncodeHeader(descr, shape);
        using var file = AtomicFile.Create(path);
        file.Stream.Write(header);
        if (BitConverter.IsLittleEndian)
        {
            file.Stream.Write(data);
        }
        else
        {
            var swapped = MemoryMarshal.Cast<byte, int>(data).ToArray();
            BinaryPrimitives.ReverseEndianness(swapped, swapped);
            file.Stream.Write(MemoryMarshal.AsBytes(swapped.AsSpan()));
        }
        file.Commit();
    }

    /// <summary>
    /// Parses the header's Python dict literal: string keys mapped to a string, True/False, or a tuple
    /// of non-negative ints. Key order and spacing are free, as NumPy's own (ast-based) reader allows.
    /// </summary>
    static (string Descr, bool Fortran, int[] Shape) ParseHeader(string header, string where)
    {
        var p = new HeaderParser(header, where);
        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        p.Expect('{');
        while (!p.TryTake('}'))
        {
            string key = p.String();
            p.Expect(':');
            switch (key)
            {
                case "descr": descr = p.String(); break;
                case "fortran_order": fortran = p.Bool(); break;
                case "shape": shape = p.IntTuple(); break;
                default: throw p.Error($"unexpected key '{key}' (expected descr, fortran_order and shape)");
            }
            if (!p.TryTake(',')) { p.Expect('}'); break; }
        }
        if (descr is null || fortran is null || shape is null)
            throw new InvalidDataException($"{where}: header lacks {(descr is null ? "'descr'" : fortran is null ? "'fortran_order'" : "'shape'")}");
        p.ExpectEnd();
        return (descr, fortran.Value, shape);
    }

    static string FormatShape(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++) sb.Append(i > 0 ? ", " : "").Append(shape[i]);
        return sb.Append(shape.Length == 1 ? ",)" : ")").ToString();
    }

    static int ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>A tiny tokenizer over the header text; errors quote the header.</summary>
    struct HeaderParser(string text, string where)
    {
        int _pos;

        void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        public InvalidDataException Error(string what) =>
            new($"{where}: malformed header ({what}) in {text.TrimEnd()}");

        public bool TryTake(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c) { _pos++; return true; }
            return false;
        }

        public void Expect(char c)
        {
            if (!TryTake(c)) throw Error($"expected '{c}' at offset {_pos}");
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_pos != text.Length) throw Error($"unexpected text after the dict at offset {_pos}");
        }

        public string String()
        {
            SkipSpace();
            if (_pos >= text.Length || text[_pos] is not ('\'' or '"')) throw Error($"expected a quoted string at offset {_pos}");
            char quote = text[_pos++];
            int end = text.IndexOf(quote, _pos);
            if (end < 0) throw Error("unterminated string");
            string s = text[_pos..end];
            _pos = end + 1;
            return s;
        }

        public bool Bool()
        {
            SkipSpace();
            if (text.AsSpan(_pos).StartsWith("True")) { _pos += 4; return true; }
            if (text.AsSpan(_pos).StartsWith("False")) { _pos += 5; return false; }
            throw Error($"expected True or False at offset {_pos}");
        }

        public int[] IntTuple()
        {
            Expect('(');
            var dims = new List<int>();
            while (!TryTake(')'))
            {
                SkipSpace();
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                if (_pos == start || !int.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                    throw Error($"shape must be a tuple of non-negative ints (offset {start})");
                dims.Add(d);
                if (!TryTake(',')) { Expect(')'); break; }
            }
            return dims.ToArray();
        }
    }
}
