using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace GpuGen.IO;

/// <summary>
/// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of UTF-8 JSON mapping each tensor name to its dtype, shape and
/// [begin, end) byte offsets (relative to the data area), plus an optional "__metadata__" object of
/// strings; then the data area. PyTorch, JAX and NumPy tools read it, which is why checkpoints use it.
/// JSON goes through Utf8JsonWriter / JsonDocument only, so this stays trimming- and AOT-safe.
/// </summary>
public static class SafeTensors
{
    const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation refuses headers above 100 MB; so do we.</summary>
    const long MaxHeaderLength = 100_000_000;

    /// <summary>
    /// Writes <paramref name="tensors"/> (in the given order) and <paramref name="metadata"/>
    /// atomically: an existing file is replaced only once the new one is complete on disk.
    /// </summary>
    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        byte[] header = EncodeHeader(list, metadata);
        // Halves are encoded before the file is opened, so a value out of their range fails the write
        // with nothing on disk touched.
        var halves = list.Where(t => t.DType == SafeTensorDType.F16).ToDictionary(t => t, EncodeHalf);
        using var file = AtomicFile.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        file.Stream.Write(length);
        file.Stream.Write(header);
        foreach (var t in list)
        {
            if (halves.TryGetValue(t, out var half)) file.Stream.Write(MemoryMarshal.AsBytes(half.AsSpan()));
            else WriteData(file.Stream, t);
        }
        file.Commit();
    }

    /// <summary>
    /// Reads and validates a safetensors file of F32, F16 and I32 tensors. F16 tensors come back as
    /// F32 tensors (each half widened exactly; NaN and ±Inf stay NaN and ±Inf).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is malformed; the message names the file and the tensor or field at fault.
    /// </exception>
    public static SafeTensorsFile Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength = RandomAccess.GetLength(handle);
        string where = $"checkpoint {path}";
        if (fileLength < 8)
            throw new InvalidDataException($"{where}: is {fileLength} bytes long, too short for the 8-byte header length");

        Span<byte> lengthBytes = stackalloc byte[8];
        ReadExactly(handle, lengthBytes, 0);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (n > (ulong)(fileLength - 8))
            throw new InvalidDataException($"{where}: header length {n} runs past the end of the {fileLength}-byte file");
        if (n > MaxHeaderLength)
            throw new InvalidDataException($"{where}: header length {n} exceeds the {MaxHeaderLength}-byte limit");
        if (n < 2)
            throw new InvalidDataException($"{where}: header length {n} is too short for a JSON object");

        var headerBytes = new byte[n];
        ReadExactly(handle, headerBytes, 8);
        long dataStart = 8 + (long)n;
        long dataLength = fileLength - dataStart;

        var entries = ParseHeader(headerBytes, where, dataLength, out var metadata);

        // Tensors must tile the data area: sorted by begin, each starts where the previous ended.
        // A gap is unreferenced bytes (usually a truncated or spliced file), an overlap is two
        // tensors sharing storage, and both are rejected like the reference implementation does.
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long expectedBegin = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            var e = sorted[i];
            if (e.Begin < expectedBegin)
                throw new InvalidDataException(
                    $"{where}: tensor '{e.Name}' data_offsets [{e.Begin},{e.End}] overlap tensor '{sorted[i - 1].Name}' [{sorted[i - 1].Begin},{sorted[i - 1].End}]");
            if (e.Begin > expectedBegin)
                throw new InvalidDataException(
                    $"{where}: data bytes [{expectedBegin},{e.Begin}) belong to no tensor (before tensor '{e.Name}')");
            expectedBegin = e.End;
        }
        if (expectedBegin != dataLength)
            throw new InvalidDataException(
                $"{where}: tensors cover {expectedBegin} of the {dataLength} data bytes; the data area must be fully covered");

        var tensors = new List<SafeTensor>(entries.Count);
        foreach (var e in entries)
            tensors.Add(ReadTensor(handle, e, dataStart));
        return new SafeTensorsFile(path, tensors, metadata);
    }

    /// <summary>The JSON header, padded with spaces to a multiple of 8 bytes.</summary>
    internal static byte[] EncodeHeader(IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                ArgumentNullException.ThrowIfNull(t, nameof(tensors));
                if (t.Name == MetadataKey)
                    throw new ArgumentException($"a tensor cannot be called '{MetadataKey}'", nameof(tensors));
                if (!names.Add(t.Name))
                    throw new ArgumentException($"two tensors are called '{t.Name}'", nameof(tensors));
                long bytes = (long)t.Count * t.ElementBytes;
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.ToString());
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Padding keeps the data area 8-byte aligned for readers that memory-map the file.
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        while (buffer.Length < padded) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    readonly record struct Entry(string Name, SafeTensorDType DType, int[] Shape, long Begin, long End);

    static List<Entry> ParseHeader(byte[] headerBytes, string where, long dataLength, out IReadOnlyDictionary<string, string> metadata)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: header is not valid JSON ({ex.Message})", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{where}: header is a JSON {Kind(root)}, expected an object of tensors");

            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            bool sawMetadata = false;
            foreach (var property in root.EnumerateObject())
            {
                string name = property.Name;
                if (name == MetadataKey)
                {
                    if (sawMetadata) throw new InvalidDataException($"{where}: header has '{MetadataKey}' twice");
                    sawMetadata = true;
                    ParseMetadata(property.Value, where, meta);
                    continue;
                }
                if (!seen.Add(name))
                    throw new InvalidDataException($"{where}: tensor '{name}' appears twice in the header");
                entries.Add(ParseEntry(name, property.Value, where, dataLength));
            }
            metadata = meta;
            return entries;
        }
    }

    static void ParseMetadata(JsonElement value, string where, Dictionary<string, string> meta)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{where}: '{MetadataKey}' is a JSON {Kind(value)}, expected an object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{where}: metadata '{m.Name}' is a JSON {Kind(m.Value)}, expected a string");
            if (!meta.TryAdd(m.Name, m.Value.GetString()!))
                throw new InvalidDataException($"{where}: metadata '{m.Name}' appears twice");
        }
    }

    static Entry ParseEntry(string name, JsonElement value, string where, long dataLength)
    {
        string at = $"{where}: tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{at} is a JSON {Kind(value)}, expected an object with dtype, shape and data_offsets");

        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{at} has no \"dtype\" string");
        string dtypeName = dtypeElement.GetString()!;
        SafeTensorDType dtype = dtypeName switch
        {
            "F32" => SafeTensorDType.F32,
            "I32" => SafeTensorDType.I32,
            "F16" => SafeTensorDType.F16,
            _ => throw new InvalidDataException($"{at} has dtype '{dtypeName}', which is not supported (expected F32, F16 or I32)"),
        };

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{at} has no \"shape\" array");
        var shape = new int[shapeElement.GetArrayLength()];
        long count = 1;
        int k = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int dim) || dim < 0)
                throw new InvalidDataException($"{at} shape {shapeElement.GetRawText()} must hold non-negative integers (below 2^31)");
            shape[k++] = dim;
            count *= dim;
            if (count > Array.MaxLength)
                throw new InvalidDataException($"{at} shape {shapeElement.GetRawText()} has too many elements for one array");
        }

        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new InvalidDataException($"{at} has no \"data_offsets\" array of two numbers [begin, end]");
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < 0)
            throw new InvalidDataException($"{at} data_offsets {offsets.GetRawText()} must be non-negative integers");
        if (begin > end)
            throw new InvalidDataException($"{at} data_offsets [{begin},{end}] have begin after end");
        if (end > dataLength)
            throw new InvalidDataException($"{at} data_offsets [{begin},{end}] run past the end of the {dataLength}-byte data area");
        long needed = count * (dtype == SafeTensorDType.F16 ? 2 : 4);
        if (end - begin != needed)
            throw new InvalidDataException(
                $"{at} shape {SafeTensor.FormatShape(shape)} needs {needed} bytes but data_offsets span {end - begin}");
        return new Entry(name, dtype, shape, begin, end);
    }

    static SafeTensor ReadTensor(SafeFileHandle handle, Entry e, long dataStart)
    {
        if (e.DType == SafeTensorDType.F16)
        {
            var half = new ushort[(e.End - e.Begin) / 2];
            ReadExactly(handle, MemoryMarshal.AsBytes(half.AsSpan()), dataStart + e.Begin);
            if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(half, half);
            var widened = new float[half.Length];
            for (int i = 0; i < half.Length; i++) widened[i] = (float)BitConverter.UInt16BitsToHalf(half[i]);
            return SafeTensor.Float32(e.Name, widened, e.Shape);
        }
        int count = checked((int)((e.End - e.Begin) / 4));
        if (e.DType == SafeTensorDType.F32)
        {
            var data = new float[count];
            ReadExactly(handle, MemoryMarshal.AsBytes(data.AsSpan()), dataStart + e.Begin);
            if (!BitConverter.IsLittleEndian)
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(data.AsSpan()), MemoryMarshal.Cast<float, int>(data.AsSpan()));
            return SafeTensor.Float32(e.Name, data, e.Shape);
        }
        else
        {
            var data = new int[count];
            ReadExactly(handle, MemoryMarshal.AsBytes(data.AsSpan()), dataStart + e.Begin);
            if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(data, data);
            return SafeTensor.Int32(e.Name, data, e.Shape);
        }
    }

    static void WriteData(Stream stream, SafeTensor t)
    {
        ReadOnlySpan<byte> bytes = t.DType == SafeTensorDType.F32
            ? MemoryMarshal.AsBytes(t.AsFloat32().AsSpan())
            : MemoryMarshal.AsBytes(t.AsInt32().AsSpan());
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(bytes);
            return;
        }
        var swapped = MemoryMarshal.Cast<byte, int>(bytes).ToArray();
        BinaryPrimitives.ReverseEndianness(swapped, swapped);
        stream.Write(MemoryMarshal.AsBytes(swapped.AsSpan()));
    }

    /// <summary>
    /// Rounds to the nearest half (ties to even, as (Half) does). NaN and ±Inf are kept; a finite value
    /// beyond ±65504 that would round to ±Inf is refused rather than silently turned into an infinity.
    /// </summary>
    static ushort[] EncodeHalf(SafeTensor t)
    {
        var data = t.AsFloat32();
        var half = new ushort[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            var h = (Half)data[i];
            if (Half.IsInfinity(h) && float.IsFinite(data[i]))
                throw new ArgumentException($"tensor '{t.Name}': element {i} = {data[i]:R} is outside the float16 range (±65504)");
            half[i] = BitConverter.HalfToUInt16Bits(h);
        }
        if (!BitConverter.IsLittleEndian) BinaryPrimitives.ReverseEndianness(half, half);
        return half;
    }

    static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0) throw new EndOfStreamException($"file shrank while being read (at byte {offset + total})");
            total += n;
        }
    }

    static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
