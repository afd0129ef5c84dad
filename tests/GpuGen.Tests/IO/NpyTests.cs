using System.Diagnostics;
using System.Globalization;
using System.Text;
using GpuGen.IO;

namespace GpuGen.Tests.IO;

using Random = System.Random;   // GpuGen.Random (Philox) is a namespace

public sealed class NpyTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("gpugen-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void HeaderBytesMatchNumpyExactly()
    {
        // What np.save writes for np.zeros((2, 3), np.float32): 118 header chars + '\n' after 10
        // bytes of magic/version/length = 128 bytes, a multiple of 64.
        string path = PathOf("h.npy");
        Npy.Write(path, new float[6], [2, 3]);
        byte[] bytes = File.ReadAllBytes(path);
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        var expected = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes(dict + new string(' ', 118 - 1 - dict.Length) + "\n"));
        Assert.Equal(expected.ToArray(), bytes[..128]);
        Assert.Equal(128 + 24, bytes.Length);

        // Python's one-element tuple and the 0-d shape.
        Assert.Contains("'shape': (5,), }", Encoding.ASCII.GetString(Npy.EncodeHeader("<i4", [5])));
        Assert.Contains("'shape': (), }", Encoding.ASCII.GetString(Npy.EncodeHeader("<f4", [])));
        foreach (int[] shape in new[] { new int[] { }, [7], [100000, 3, 28, 28], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] })
            Assert.Equal(0, Npy.EncodeHeader("<f4", shape).Length % 64);
    }

    [Theory]
    [InlineData(new int[] { 7 })]
    [InlineData(new int[] { 3, 5 })]
    [InlineData(new int[] { 2, 1, 4, 3 })]
    [InlineData(new int[] { 0, 4 })]
    public void Float32RoundTripIsBitExact(int[] shape)
    {
        var rng = new Random(shape.Sum() * 31 + shape.Length);
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 200 - 100);
        if (data.Length > 2) { data[0] = float.NaN; data[1] = float.NegativeInfinity; data[2] = -0f; }
        string path = PathOf("f.npy");
        Npy.Write(path, data, shape);

        var back = Npy.ReadFloat32(path, out var backShape);
        Assert.Equal(shape, backShape);
        Assert.Equal(data.Select(BitConverter.SingleToInt32Bits), back.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Int32RoundTrip()
    {
        var rng = new Random(3);
        var data = Enumerable.Range(0, 60).Select(_ => rng.Next(int.MinValue, int.MaxValue)).ToArray();
        string path = PathOf("i.npy");
        Npy.Write(path, data, [3, 4, 5]);
        var a = Npy.Read(path);
        Assert.Equal("<i4", a.Descr);
        Assert.Null(a.Float32);
        Assert.Equal(data, a.Int32);
        Assert.Equal([3, 4, 5], a.Shape);
        var ex = Assert.Throws<InvalidDataException>(() => Npy.ReadFloat32(path, out _));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void WriteChecksShapeAgainstData() =>
        Assert.Throws<ArgumentException>(() => Npy.Write(PathOf("x.npy"), new float[5], [2, 3]));

    [Fact]
    public void ReaderAcceptsOtherKeyOrdersAndSpacing()
    {
        string dict = "{\"shape\":(2,2),'fortran_order':False,   'descr':'<i4'}";
        File.WriteAllBytes(PathOf("odd.npy"), Handmade(dict, 16));
        Assert.Equal([2, 2], Npy.Read(PathOf("odd.npy")).Shape);
    }

    public static TheoryData<string, string, int, string> Corruptions => new()
    {
        { "magic", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8, "not a .npy file" },
        { "version", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 8, "version 9.0" },
        { "descr", "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16, "dtype '<f8' is not supported" },
        { "bigendian", "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8, "dtype '>f4'" },
        { "fortran", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16, "fortran_order is True" },
        { "shape", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", 8, "non-negative ints" },
        { "shapetype", "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", 8, "expected '('" },
        { "missing", "{'descr': '<f4', 'shape': (2,), }", 8, "lacks 'fortran_order'" },
        { "short", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8, "needs 12 data bytes but the file has 8" },
        { "long", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 8, "needs 4 data bytes but the file has 8" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void CorruptFilesAreRejectedNamingFileAndProblem(string kind, string dict, int dataBytes, string expected)
    {
        var bytes = Handmade(dict, dataBytes);
        if (kind == "magic") bytes[1] = (byte)'X';
        if (kind == "version") bytes[6] = 9;
        string path = PathOf(kind + ".npy");
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => Npy.Read(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void HeaderLengthPastEndIsRejected()
    {
        var bytes = Handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
        bytes[8] = 0xFF; bytes[9] = 0x7F;
        File.WriteAllBytes(PathOf("hl.npy"), bytes);
        var ex = Assert.Throws<InvalidDataException>(() => Npy.Read(PathOf("hl.npy")));
        Assert.Contains("runs past the end", ex.Message);
    }

    [NumpyFact]
    public void NumpyReadsOurFileAndWeReadNumpys()
    {
        var rng = new Random(77);
        var data = Enumerable.Range(0, 24).Select(_ => (float)rng.NextDouble()).ToArray();
        string ours = PathOf("ours.npy"), theirs = PathOf("theirs.npy");
        Npy.Write(ours, data, [2, 3, 4]);
        string script =
            "import numpy as np, sys\n" +
            $"a = np.load(r'{ours}')\n" +
            "assert a.dtype == np.float32 and a.shape == (2, 3, 4), (a.dtype, a.shape)\n" +
            "print(repr(float(a.astype(np.float64).sum())))\n" +
            $"np.save(r'{theirs}', (np.arange(12, dtype=np.int32).reshape(3, 4) * 7 - 20))\n";
        var psi = new ProcessStartInfo(NumpyFactAttribute.Python!) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        double sum = data.Sum(x => (double)x);
        Assert.Equal(sum, double.Parse(stdout.Trim(), CultureInfo.InvariantCulture), 6);

        var back = Npy.ReadInt32(theirs, out var shape);
        Assert.Equal([3, 4], shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 7 - 20), back);
    }

    /// <summary>A version-1.0 file with <paramref name="dict"/> as header (padded like NumPy) and zero data.</summary>
    static byte[] Handmade(string dict, int dataBytes)
    {
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict + new string(' ', total - 10 - dict.Length - 1) + "\n";
        var bytes = new byte[total + dataBytes];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }.CopyTo(bytes, 0);
        bytes[8] = (byte)header.Length;
        bytes[9] = (byte)(header.Length >> 8);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 10);
        return bytes;
    }
}

/// <summary>
/// A fact that skips, saying why, where no python3 can import numpy. ./test installs Debian's
/// python3-numpy, which /usr/bin/python3 sees even when another python3 comes first on PATH.
/// </summary>
file sealed class NumpyFactAttribute : FactAttribute
{
    static readonly Lazy<string?> FoundPython = new(() => new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(ImportsNumpy));

    public static string? Python => FoundPython.Value;

    static bool ImportsNumpy(string python)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(python, ["-c", "import numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit(20_000);
            return p.HasExited && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public NumpyFactAttribute()
    {
        if (Python is null) Skip = "numpy is not installed here (python3 -c \"import numpy\" failed); the pure-format tests still run";
    }
}
