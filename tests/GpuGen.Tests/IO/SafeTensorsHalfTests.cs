using System.Buffers.Binary;
using System.Text;
using GpuGen.IO;

namespace GpuGen.Tests.IO;

using Random = System.Random;   // GpuGen.Random (Philox) is a namespace

/// <summary>F16 tensors: written by rounding float32 to the nearest half, read back as float32.</summary>
public sealed class SafeTensorsHalfTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("gpugen-f16-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>
    /// The nearest binary16 value in float64 arithmetic, independent of System.Half: the spacing of
    /// halves around |x| is 2^(e−10) for normal x (2^e ≤ |x| &lt; 2^(e+1), e ≥ −14) and 2^−24 below
    /// 2^−14 (subnormals); x/spacing is rounded half to even.
    /// </summary>
    static double NearestHalf(double x)
    {
        double a = Math.Abs(x);
        int e = a < Math.Pow(2, -14) ? -14 : (int)Math.Floor(Math.Log2(a));
        double spacing = Math.Pow(2, e - 10);
        return Math.Round(x / spacing, MidpointRounding.ToEven) * spacing;
    }

    /// <summary>Random floats over many binades: sign · 10^u, u uniform in [−7, 4.5], so subnormal halves and values up to ~31,600.</summary>
    static float[] WideFloats(Random rng, int n) =>
        Enumerable.Range(0, n).Select(_ => (float)((rng.Next(2) * 2 - 1) * Math.Pow(10, rng.NextDouble() * 11.5 - 7))).ToArray();

    [Fact]
    public void RoundTripGivesFloat32WithinHalfPrecision()
    {
        var rng = new Random(1601);
        var w = WideFloats(rng, 4096);
        var b = WideFloats(rng, 33);
        string path = PathOf("half.safetensors");
        var metadata = new Dictionary<string, string> { ["gpugen.config"] = "{\"channels\":[32,64,64]}" };
        SafeTensors.Write(path, [SafeTensor.Float16("w", w, 64, 64), SafeTensor.Float32("f", b, 33), SafeTensor.Float16("b", b, 33)], metadata);

        var file = SafeTensors.Read(path);
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal([64, 64], file["w"].Shape);
        // What comes back is float32 data, whatever the file stored.
        Assert.Equal(SafeTensorDType.F32, file["w"].DType);
        var back = file["w"].AsFloat32();
        int subnormal = 0;
        for (int i = 0; i < w.Length; i++)
        {
            Assert.Equal(NearestHalf(w[i]), back[i]);
            // Half precision: relative error ≤ 2^−11 for normal halves, absolute ≤ 2^−25 below 2^−14.
            Assert.True(Math.Abs(back[i] - (double)w[i]) <= Math.Max(Math.Abs(w[i]) * Math.Pow(2, -11), Math.Pow(2, -25)), $"element {i}: {w[i]} → {back[i]}");
            if (Math.Abs(w[i]) < Math.Pow(2, -14)) subnormal++;
        }
        Assert.InRange(subnormal, 100, 2000);   // the sweep did reach the subnormal halves
        Assert.NotEqual(w.Select(v => (double)v), back.Select(v => (double)v));   // rounding happened: not a float32 copy
        Assert.Equal(b, file["f"].AsFloat32());   // an F32 tensor in the same file stays exact

        // Layout: 2 bytes per F16 element, 4 per F32.
        byte[] bytes = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        Assert.Equal(8 + n + 2L * w.Length + 4L * b.Length + 2L * b.Length, bytes.Length);
        Assert.Contains("\"w\":{\"dtype\":\"F16\",\"shape\":[64,64],\"data_offsets\":[0,8192]}", Encoding.UTF8.GetString(bytes, 8, (int)n));
    }

    [Fact]
    public void SpecialValuesSurviveAndOverflowIsRefused()
    {
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 65504f, 65519f, -65519f, 1e-9f, 0.1f];
        string path = PathOf("special.safetensors");
        SafeTensors.Write(path, [SafeTensor.Float16("s", special, special.Length)]);
        var back = SafeTensors.Read(path)["s"].AsFloat32();
        Assert.True(float.IsNaN(back[0]));
        Assert.Equal(float.PositiveInfinity, back[1]);
        Assert.Equal(float.NegativeInfinity, back[2]);
        Assert.True(float.IsNegative(back[3]) && back[3] == 0f);
        Assert.Equal([65504f, 65504f, -65504f], back[4..7]);   // up to 65519.99… rounds to the largest half
        Assert.Equal(0f, back[7]);                              // below half of the smallest subnormal: flushed to zero
        Assert.Equal(0.0999755859375f, back[8]);               // 0.1 to 11 significant bits

        // A finite value that would become ±Inf is refused, naming the tensor and the element, and
        // the file already there is left as it was.
        byte[] before = File.ReadAllBytes(path);
        var ex = Assert.Throws<ArgumentException>(() => SafeTensors.Write(path, [SafeTensor.Float16("big", [1f, -65520f], 2)]));
        Assert.Contains("tensor 'big': element 1 = -65520 is outside the float16 range", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void TruncatedHalfFileIsAnErrorNamingTheFile()
    {
        var rng = new Random(77);
        string path = PathOf("t16.safetensors");
        SafeTensors.Write(path, [SafeTensor.Float16("w", WideFloats(rng, 100), 10, 10)]);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.StartsWith($"checkpoint {path}: ", ex.Message);
        Assert.Contains("tensor 'w' data_offsets [0,200] run past the end of the 190-byte data area", ex.Message);
    }
}
