using System.Buffers.Binary;
using System.IO.Compression;
using GpuGen.Data;

namespace GpuGen.Tests.Data;

using Random = System.Random;   // GpuGen.Random (Philox) is a namespace

public sealed class IdxTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("gpugen-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PathOf(string name) => Path.Combine(_dir, name);

    static byte[] RandomBytes(int seed, int n)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    /// <summary>Raw IDX bytes: magic, sizes, data — for hand-made broken files.</summary>
    static byte[] RawIdx(uint magic, int[] dims, int dataBytes)
    {
        var bytes = new byte[4 + 4 * dims.Length + dataBytes];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        return bytes;
    }

    [Theory]
    [InlineData("imgs-idx3-ubyte", false)]
    [InlineData("imgs-idx3-ubyte.gz", true)]
    public void ImagesAndLabelsRoundTrip(string name, bool gzip)
    {
        var pixels = RandomBytes(1, 7 * 5 * 3);
        Idx.WriteImages(PathOf(name), pixels, 7, 5, 3);
        var raw = File.ReadAllBytes(PathOf(name));
        Assert.Equal(gzip, raw[0] == 0x1F && raw[1] == 0x8B);
        if (!gzip) Assert.Equal(Idx.ImagesMagic, BinaryPrimitives.ReadUInt32BigEndian(raw));

        var back = Idx.ReadImages(PathOf(name), out int n, out int h, out int w);
        Assert.Equal((7, 5, 3), (n, h, w));
        Assert.Equal(pixels, back);

        var labels = RandomBytes(2, 7);
        Idx.WriteLabels(PathOf("labels" + (gzip ? ".gz" : "")), labels);
        Assert.Equal(labels, Idx.ReadLabels(PathOf("labels" + (gzip ? ".gz" : ""))));

        // The generic reader takes any rank.
        Idx.Write(PathOf("r4"), pixels, [7, 5, 1, 3], gzip);
        Assert.Equal(pixels, Idx.Read(PathOf("r4"), out var shape));
        Assert.Equal([7, 5, 1, 3], shape);
    }

    [Fact]
    public void GzipIsDetectedByContentNotName()
    {
        var pixels = RandomBytes(3, 2 * 4 * 4);
        Idx.WriteImages(PathOf("compressed-but-no-extension"), pixels, 2, 4, 4, gzip: true);
        Idx.WriteImages(PathOf("plain.gz"), pixels, 2, 4, 4, gzip: false);
        Assert.Equal(pixels, Idx.ReadImages(PathOf("compressed-but-no-extension"), out _, out _, out _));
        Assert.Equal(pixels, Idx.ReadImages(PathOf("plain.gz"), out _, out _, out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedImagesAreRejectedWithCounts(bool gzip)
    {
        string path = PathOf(gzip ? "train-images-idx3-ubyte.gz" : "train-images-idx3-ubyte");
        var full = RawIdx(Idx.ImagesMagic, [60000, 28, 28], 1000);   // header claims far more than it has
        if (gzip)
        {
            using var f = File.Create(path);
            using var z = new GZipStream(f, CompressionLevel.Fastest);
            z.Write(full);
        }
        else
        {
            File.WriteAllBytes(path, full);
        }
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path, out _, out _, out _));
        Assert.Contains(path, ex.Message);
        Assert.Contains("header says 60000 images of 28×28 = 47040000 bytes but the file holds 1000", ex.Message);
    }

    [Fact]
    public void CutGzipStreamIsRejectedNamingTheFile()
    {
        string path = PathOf("cut.gz");
        Idx.WriteImages(path, RandomBytes(4, 50 * 8 * 8), 50, 8, 8);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path, out _, out _, out _));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void TrailingDataIsRejected()
    {
        string path = PathOf("long");
        File.WriteAllBytes(path, RawIdx(Idx.LabelsMagic, [10], 12));
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("header says 10 labels = 10 bytes but the file holds 12", ex.Message);
    }

    [Theory]
    [InlineData(0x12345678u, "not an IDX file")]
    [InlineData(0x00000D03u, "float32")]   // a float32 image file: right rank, unsupported type
    public void WrongMagicIsRejected(uint magic, string expected)
    {
        string path = PathOf("bad-magic");
        File.WriteAllBytes(path, RawIdx(magic, [1, 2, 2], 4));
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path, out _, out _, out _));
        Assert.Contains(path, ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.Contains("expected 0x00000803", ex.Message);
    }

    [Fact]
    public void WrongDimensionCountIsRejected()
    {
        // A labels file handed over as images, and images handed over as labels.
        string labels = PathOf("train-labels-idx1-ubyte");
        Idx.WriteLabels(labels, RandomBytes(5, 9));
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(labels, out _, out _, out _));
        Assert.Contains(labels, ex.Message);
        Assert.Contains("says 1 dimension;", ex.Message);
        Assert.Contains("is this the labels file?", ex.Message);

        string images = PathOf("train-images-idx3-ubyte");
        Idx.WriteImages(images, RandomBytes(6, 9 * 4), 9, 2, 2);
        ex = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(images));
        Assert.Contains(images, ex.Message);
        Assert.Contains("says 3 dimensions; expected 0x00000801", ex.Message);

        string rank2 = PathOf("rank2");
        Idx.Write(rank2, RandomBytes(7, 6), [2, 3]);
        ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(rank2, out _, out _, out _));
        Assert.Contains("says 2 dimensions", ex.Message);
    }

    [Fact]
    public void ShortHeaderIsRejected()
    {
        string path = PathOf("stub");
        File.WriteAllBytes(path, RawIdx(Idx.ImagesMagic, [5], 0));   // says 3 dims, gives 1
        var ex = Assert.Throws<InvalidDataException>(() => Idx.ReadImages(path, out _, out _, out _));
        Assert.Contains(path, ex.Message);
        Assert.Contains("needs 16 bytes but the file holds 8", ex.Message);
    }

    [Fact]
    public void LabelAndImageCountsMustAgree()
    {
        string images = PathOf("train-images-idx3-ubyte"), labels = PathOf("train-labels-idx1-ubyte");
        Idx.WriteImages(images, RandomBytes(8, 5 * 3 * 3), 5, 3, 3);
        Idx.WriteLabels(labels, [0, 1, 2, 3]);
        var ex = Assert.Throws<InvalidDataException>(() => Dataset.FromIdx(images, labels));
        Assert.Contains(labels, ex.Message);
        Assert.Contains(images, ex.Message);
        Assert.Contains("holds 4 labels but", ex.Message);
        Assert.Contains("holds 5 images", ex.Message);
    }

    [Fact]
    public void IdxFolderOpensTrainAndTestSplits()
    {
        var train = RandomBytes(9, 6 * 4 * 4);
        Idx.WriteImages(PathOf("train-images-idx3-ubyte.gz"), train, 6, 4, 4);
        Idx.WriteLabels(PathOf("train-labels-idx1-ubyte.gz"), [0, 1, 2, 0, 1, 2]);
        var test = RandomBytes(10, 2 * 4 * 4);
        Idx.WriteImages(PathOf("t10k-images.idx3-ubyte"), test, 2, 4, 4);   // the '.' spelling, raw, no labels

        var a = Dataset.Open($"idx:{_dir}");
        Assert.Equal((6, 1, 4, 4), (a.Count, a.Channels, a.Height, a.Width));
        Assert.Equal(train, a.Pixels.ToArray());
        Assert.Equal([0, 1, 2, 0, 1, 2], a.Labels.ToArray());
        Assert.Equal(["0", "1", "2"], a.ClassNames);

        var b = Dataset.Open($"idx:{_dir}", new DatasetOptions { Split = DatasetSplit.Test });
        Assert.Equal(2, b.Count);
        Assert.False(b.HasLabels);
        Assert.Equal(test, b.Pixels.ToArray());

        // RGB and resizing apply to IDX data too: grey replicated into three planes, 4×4 → 2×2 block means.
        var c = Dataset.Open($"idx:{_dir}", new DatasetOptions { Color = ColorMode.Rgb, Height = 2, Width = 2 });
        Assert.Equal((6, 3, 2, 2), (c.Count, c.Channels, c.Height, c.Width));
        var ex0 = c.Example(0);
        Assert.Equal(ex0[..4].ToArray(), ex0[4..8].ToArray());
        int mean = (train[0] + train[1] + train[4] + train[5] + 2) / 4;
        Assert.Equal(mean, ex0[0]);   // weights ½·½ are exact in float32; ties round up

        Directory.CreateDirectory(PathOf("empty"));
        var none = Assert.Throws<FileNotFoundException>(() => Dataset.Open($"idx:{PathOf("empty")}"));
        Assert.Contains("no train images", none.Message);
        Assert.Contains(PathOf("empty"), none.Message);
        Assert.Throws<DirectoryNotFoundException>(() => Dataset.Open($"idx:{PathOf("absent")}"));
    }
}
