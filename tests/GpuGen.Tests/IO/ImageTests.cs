using System.Buffers.Binary;
using GpuGen.IO;

namespace GpuGen.Tests.IO;

using Random = System.Random;   // GpuGen.Random (Philox) is a namespace

public sealed class ImageTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("gpugen-image-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Image RandomImage(Random rng, int w, int h, int c)
    {
        var pixels = new byte[w * h * c];
        rng.NextBytes(pixels);
        return new Image(w, h, c, pixels);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 17, 9)]
    [InlineData(3, 33, 7)]
    [InlineData(3, 64, 48)]
    [InlineData(4, 5, 13)]
    [InlineData(4, 101, 3)]
    public void PngRoundTripIsBitExact(int channels, int width, int height)
    {
        var rng = new Random(1000 + channels * 100 + width);
        var image = RandomImage(rng, width, height, channels);
        string path = Path.Combine(_dir, $"rt{channels}.png");
        image.SavePng(path);

        var back = Image.Load(path);
        Assert.Equal((width, height, channels), (back.Width, back.Height, back.Channels));
        Assert.Equal(image.Pixels, back.Pixels);

        var decoded = Image.Decode(image.EncodePng(), "memory");
        Assert.Equal(image.Pixels, decoded.Pixels);
    }

    [Fact]
    public void DesiredChannelsConverts()
    {
        var grey = RandomImage(new Random(5), 9, 4, 1);
        var rgb = Image.Decode(grey.EncodePng(), "grey.png", desiredChannels: 3);
        Assert.Equal(3, rgb.Channels);
        for (int i = 0; i < 36; i++)
            Assert.Equal([grey.Pixels[i], grey.Pixels[i], grey.Pixels[i]], rgb.Pixels.AsSpan(3 * i, 3).ToArray());
    }

    [Fact]
    public unsafe void GreyAlphaBecomesRgba()
    {
        var ga = new byte[6 * 2 * 2];
        new Random(6).NextBytes(ga);
        byte* png;
        int length;
        fixed (byte* p = ga) png = StbNative.WritePngToMem(p, 12, 6, 2, 2, out length);
        var bytes = new ReadOnlySpan<byte>(png, length).ToArray();
        StbNative.Free(png);

        var image = Image.Decode(bytes, "ga.png");
        Assert.Equal(4, image.Channels);
        for (int i = 0; i < 12; i++)
            Assert.Equal([ga[2 * i], ga[2 * i], ga[2 * i], ga[2 * i + 1]], image.Pixels.AsSpan(4 * i, 4).ToArray());
    }

    [Fact]
    public void TruncatedPngIsRejectedNamingTheFile()
    {
        var png = RandomImage(new Random(7), 40, 30, 3).EncodePng();
        string path = Path.Combine(_dir, "broken.png");
        File.WriteAllBytes(path, png[..(png.Length / 2)]);
        var ex = Assert.Throws<InvalidDataException>(() => Image.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("cannot decode", ex.Message);
    }

    [Fact]
    public void GarbageIsRejectedWithStbsReason()
    {
        var junk = new byte[256];
        new Random(8).NextBytes(junk);
        var ex = Assert.Throws<InvalidDataException>(() => Image.Decode(junk, "upload #3"));
        Assert.Contains("upload #3", ex.Message);
        Assert.Matches(@"\(.+\)", ex.Message);   // stb's failure reason in parentheses
        Assert.Throws<InvalidDataException>(() => Image.Decode([], "empty.png"));
    }

    [Fact]
    public void DecodesAHandWrittenBmp()
    {
        // 24-bit bottom-up BMP, rows padded to 4 bytes, pixels stored B, G, R.
        var rng = new Random(21);
        var image = RandomImage(rng, 5, 3, 3);
        int rowBytes = (5 * 3 + 3) & ~3;
        var bmp = new byte[54 + rowBytes * 3];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 5);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 3);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 5; x++)
                for (int c = 0; c < 3; c++)
                    bmp[54 + (2 - y) * rowBytes + x * 3 + c] = image.Pixels[(y * 5 + x) * 3 + 2 - c];
        string path = Path.Combine(_dir, "hand.bmp");
        File.WriteAllBytes(path, bmp);

        var back = Image.Load(path);
        Assert.Equal((5, 3, 3), (back.Width, back.Height, back.Channels));
        Assert.Equal(image.Pixels, back.Pixels);
    }

    [Fact]
    public void DecodesAJpegWithinLossyTolerance()
    {
        // A smooth gradient: JPEG at quality 95 keeps it within a few levels.
        var image = new Image(32, 24, 3);
        for (int y = 0; y < 24; y++)
            for (int x = 0; x < 32; x++)
            {
                int i = (y * 32 + x) * 3;
                image.Pixels[i] = (byte)(x * 8);
                image.Pixels[i + 1] = (byte)(y * 10);
                image.Pixels[i + 2] = 128;
            }
        var jpeg = image.EncodeJpeg(95);
        Assert.Equal([0xFF, 0xD8], jpeg[..2]);   // SOI marker: it really is a JPEG
        var back = Image.Decode(jpeg, "gradient.jpg");
        Assert.Equal((32, 24, 3), (back.Width, back.Height, back.Channels));
        int maxDiff = image.Pixels.Zip(back.Pixels, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 12, $"max difference {maxDiff}");
    }

    [Fact]
    public void ConstructorChecksPixelCount()
    {
        Assert.Throws<ArgumentException>(() => new Image(3, 3, 3, new byte[26]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(3, 3, 2));
    }
}
