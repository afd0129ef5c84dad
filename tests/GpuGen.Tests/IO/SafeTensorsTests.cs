using System.Buffers.Binary;
using System.Text;
using GpuGen.IO;

namespace GpuGen.Tests.IO;

using Random = System.Random;   // GpuGen.Random (Philox) is a namespace

public sealed class SafeTensorsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("gpugen-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    static float[] RandomFloats(Random rng, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * 1e3f).ToArray();

    [Fact]
    public void RoundTripIsBitExactWithMetadata()
    {
        var rng = new Random(2024);
        var w = RandomFloats(rng, 128 * 34);
        w[5] = float.NaN; w[6] = float.PositiveInfinity; w[7] = -0f; w[8] = float.Epsilon;
        var b = RandomFloats(rng, 128);
        var steps = Enumerable.Range(0, 10).Select(_ => rng.Next()).ToArray();
        var scalar = RandomFloats(rng, 1);
        var metadata = new Dictionary<string, string>
        {
            ["config"] = "{\"model\": \"ddpm\", \"channels\": [64, 128]}",
            ["step"] = "12345",
            ["note"] = "ünïcode ✓ and \"quotes\"",
        };
        string path = PathOf("model.safetensors");
        SafeTensors.Write(path,
        [
            SafeTensor.Float32("net.0.weight", w, 128, 34),
            SafeTensor.Float32("net.0.bias", b, 128),
            SafeTensor.Int32("opt.step", steps, 2, 5),
            SafeTensor.Float32("scale", scalar),
            SafeTensor.Float32("empty", [], 0, 3),
        ], metadata);

        var file = SafeTensors.Read(path);
        Assert.Equal(["net.0.weight", "net.0.bias", "opt.step", "scale", "empty"], file.Tensors.Select(t => t.Name));
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(Bits(w), Bits(file["net.0.weight"].AsFloat32()));
        Assert.Equal([128, 34], file["net.0.weight"].Shape);
        Assert.Equal(Bits(b), Bits(file["net.0.bias"].AsFloat32()));
        Assert.Equal(SafeTensorDType.I32, file["opt.step"].DType);
        Assert.Equal(steps, file["opt.step"].AsInt32());
        Assert.Empty(file["scale"].Shape);
        Assert.Equal(Bits(scalar), Bits(file["scale"].AsFloat32()));
        Assert.Equal([0, 3], file["empty"].Shape);
        Assert.Throws<InvalidOperationException>(() => file["opt.step"].AsFloat32());
        var missing = Assert.Throws<KeyNotFoundException>(() => file["nope"]);
        Assert.Contains(path, missing.Message);

        // Layout: 8-byte length, header padded to a multiple of 8, data area right after.
        byte[] bytes = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        Assert.Equal(8 + n + 4L * (w.Length + b.Length + steps.Length + 1), bytes.Length);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.StartsWith("{\"__metadata__\":{", header);
        Assert.Contains("\"net.0.weight\":{\"dtype\":\"F32\",\"shape\":[128,34],\"data_offsets\":[0,17408]}", header);
    }

    static int[] Bits(float[] a) => a.Select(BitConverter.SingleToInt32Bits).ToArray();

    [Fact]
    public void WriterRejectsBadTensors()
    {
        Assert.Throws<ArgumentException>(() => SafeTensor.Float32("a", new float[5], 2, 3));
        Assert.Throws<ArgumentException>(() => SafeTensor.Float32("a", new float[0], -1));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(PathOf("d.safetensors"),
            [SafeTensor.Float32("a", [1f], 1), SafeTensor.Int32("a", [1], 1)]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(PathOf("m.safetensors"), [SafeTensor.Float32("__metadata__", [1f], 1)]));
        Assert.False(File.Exists(PathOf("d.safetensors")));
    }

    /// <summary>A file with exactly this header text (padded to 8 with spaces) and this many data bytes.</summary>
    static byte[] Raw(string json, int dataBytes, long? declaredLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        int padded = (header.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, declaredLength ?? padded);
        header.CopyTo(bytes, 8);
        for (int i = header.Length; i < padded; i++) bytes[8 + i] = (byte)' ';
        return bytes;
    }

    const string Good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    public static TheoryData<string, byte[], string> Corruptions => new()
    {
        { "tiny", [1, 2, 3], "too short for the 8-byte header length" },
        { "header past EOF", Raw(Good, 8, declaredLength: 4000), "header length 4000 runs past the end" },
        { "header length huge", Raw(Good, 8, declaredLength: long.MaxValue), "runs past the end" },
        { "bad JSON", Raw("{\"a\":{\"dtype\":\"F32\",", 8), "header is not valid JSON" },
        { "not an object", Raw("[1,2,3]", 0), "header is a JSON array, expected an object" },
        { "entry not an object", Raw("{\"a\":5}", 0), "tensor 'a' is a JSON number" },
        { "unknown dtype", Raw("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "tensor 'a' has dtype 'BF16', which is not supported" },
        { "F16 sized as F32", Raw("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'a' shape [2] needs 4 bytes but data_offsets span 8" },
        { "missing dtype", Raw("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "tensor 'a' has no \"dtype\"" },
        { "negative dim", Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "tensor 'a' shape [-2] must hold non-negative integers" },
        { "fractional dim", Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8), "must hold non-negative integers" },
        { "offsets missing", Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "tensor 'a' has no \"data_offsets\"" },
        { "offsets reversed", Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8), "have begin after end" },
        { "offsets outside", Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 8), "tensor 'a' data_offsets [4,12] run past the end of the 8-byte data area" },
        { "shape/length mismatch", Raw("{\"net.0.weight\":{\"dtype\":\"F32\",\"shape\":[128,34],\"data_offsets\":[0,100]}}", 100),
            "tensor 'net.0.weight' shape [128,34] needs 17408 bytes but data_offsets span 100" },
        { "overlapping", Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
            "tensor 'b' data_offsets [4,12] overlap tensor 'a' [0,8]" },
        { "gap", Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "data bytes [0,4) belong to no tensor" },
        { "trailing bytes", Raw(Good, 12), "tensors cover 8 of the 12 data bytes" },
        { "duplicate", Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
            "tensor 'a' appears twice" },
        { "metadata not strings", Raw("{\"__metadata__\":{\"step\":5}}", 0), "metadata 'step' is a JSON number, expected a string" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void CorruptionIsRejectedWithItsSpecificMessage(string kind, byte[] bytes, string expected)
    {
        string path = PathOf(kind.Replace(' ', '_').Replace('/', '_') + ".safetensors");
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.StartsWith($"checkpoint {path}: ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void TruncatedRealFileIsRejected()
    {
        var rng = new Random(9);
        string path = PathOf("t.safetensors");
        SafeTensors.Write(path, [SafeTensor.Float32("w", RandomFloats(rng, 100), 10, 10)]);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains("tensor 'w' data_offsets [0,400] run past the end of the 390-byte data area", ex.Message);
    }

    [Fact]
    public void EmptyFileWithOnlyMetadataReads()
    {
        string path = PathOf("meta.safetensors");
        SafeTensors.Write(path, [], new Dictionary<string, string> { ["k"] = "v" });
        var file = SafeTensors.Read(path);
        Assert.Empty(file.Tensors);
        Assert.Equal("v", file.Metadata["k"]);
    }
}
