using System.Buffers.Binary;
using GpuGen.IO;
using GpuGen.Pictures;

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
    public void GreyAlphaBecomesRgba()
    {
        var ga = new byte[6 * 2 * 2];
        new Random(6).NextBytes(ga);
        var bytes = TestPng.Encode(6, 2, 8, TestPng.GreyAlpha, ga);

        var image = Image.Decode(bytes, "ga.png");
        Assert.Equal(4, image.Channels);
        for (int i = 0; i < 12; i++)
            Assert.Equal([ga[2 * i], ga[2 * i], ga[2 * i], ga[2 * i + 1]], image.Pixels.AsSpan(4 * i, 4).ToArray());
    }

    [Fact]
    public void HandWrittenPngDecodesAsWritten()
    {
        // Positive control for the hand-made PNGs below: the same encoder at 8 bits decodes exactly.
        var rgb = new byte[7 * 5 * 3];
        new Random(9).NextBytes(rgb);
        var image = Image.Decode(TestPng.Encode(7, 5, 8, TestPng.Rgb, rgb), "hand.png");
        Assert.Equal((7, 5, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(rgb, image.Pixels);
    }

    [Fact]
    public void SixteenBitPngIsRejectedNamingTheFile()
    {
        var raw = new byte[4 * 3 * 2];
        new Random(10).NextBytes(raw);
        string path = Path.Combine(_dir, "deep.png");
        File.WriteAllBytes(path, TestPng.Encode(4, 3, 16, TestPng.Grey, raw));
        var ex = Assert.Throws<InvalidDataException>(() => Image.Load(path));
        Assert.Equal($"image {path}: 16 bits per channel; GpuGen reads 8-bit images (convert it to 8 bits)", ex.Message);
    }

    [Fact]
    public void ZeroSizedPngIsRejectedNamingTheFile()
    {
        string path = Path.Combine(_dir, "empty-pixels.png");
        File.WriteAllBytes(path, TestPng.Encode(0, 3, 8, TestPng.Grey, []));
        var ex = Assert.Throws<InvalidDataException>(() => Image.Load(path));
        Assert.Equal($"image {path}: declares 0x3 pixels (an image needs at least one)", ex.Message);
    }

    [Fact]
    public void EnormousDeclaredSizeIsRejectedBeforeDecoding()
    {
        // 20,000 × 20,000 = 4·10^8 pixels declared in the header over a one-row body: refused from
        // the header alone (a decoder asked for it would allocate 1.6 GB before finding the body short).
        string path = Path.Combine(_dir, "huge.png");
        File.WriteAllBytes(path, TestPng.Encode(20_000, 20_000, 8, TestPng.Rgb, new byte[20_000 * 3], rows: 1));
        var ex = Assert.Throws<InvalidDataException>(() => Image.Load(path));
        Assert.Equal($"image {path}: declares 20000x20000 pixels, more than the 67,108,864 GpuGen decodes (corrupt, or far larger than a training image)", ex.Message);

        // Just under the limit the header is accepted and the short body is what fails.
        string under = Path.Combine(_dir, "under.png");
        File.WriteAllBytes(under, TestPng.Encode(8192, 8192, 8, TestPng.Grey, new byte[8192], rows: 1));
        var ex2 = Assert.Throws<InvalidDataException>(() => Image.Load(under));
        Assert.Contains("cannot decode", ex2.Message);
    }

    [Fact]
    public void CorruptPngBodyIsRejectedWithTheDecodersReason()
    {
        var png = RandomImage(new Random(11), 20, 20, 3).EncodePng();
        // Overwrite the zlib stream of the first IDAT chunk (after the 8-byte signature, 25-byte IHDR, 8-byte IDAT head).
        for (int i = 8 + 25 + 8; i < 8 + 25 + 8 + 16; i++) png[i] ^= 0x5A;
        string path = Path.Combine(_dir, "scrambled.png");
        File.WriteAllBytes(path, png);
        var ex = Assert.Throws<InvalidDataException>(() => Image.Load(path));
        Assert.Matches($@"^image {System.Text.RegularExpressions.Regex.Escape(path)}: cannot decode \(.+\)$", ex.Message);
    }

    [Fact]
    public void WrongExtensionIsNamed()
    {
        var png = RandomImage(new Random(12), 4, 4, 3).EncodePng();
        string asJpeg = Path.Combine(_dir, "photo.jpg");
        File.WriteAllBytes(asJpeg, png);
        var ex = Assert.Throws<InvalidDataException>(() => Image.Load(asJpeg));
        Assert.Equal($"image {asJpeg}: the file holds a PNG image but is named .jpg (JPEG); rename it", ex.Message);

        string asText = Path.Combine(_dir, "notes.txt");
        File.WriteAllBytes(asText, png);
        ex = Assert.Throws<InvalidDataException>(() => Image.Load(asText));
        Assert.StartsWith($"image {asText}: '.txt' is not an image extension GpuGen reads (", ex.Message);

        // The same bytes under their own name decode (the positive control).
        string right = Path.Combine(_dir, "photo.png");
        File.WriteAllBytes(right, png);
        Assert.Equal(4, Image.Load(right).Width);
    }

    [Fact]
    public void GifFirstFrameAndTgaDecode()
    {
        // A 2×2 GIF with a 4-colour palette (hand-assembled LZW, code size 2) and an uncompressed 24-bit TGA.
        byte[] gif =
        [
            (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 2, 0, 2, 0, 0x81, 0, 0,
            255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255,
            0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0,
            2, 3, 0x44, 0x34, 0x05, 0, 0x3B,
        ];
        var g = Image.Decode(gif, "tiny.gif", desiredChannels: 3);
        Assert.Equal((2, 2), (g.Width, g.Height));
        Assert.Equal([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], g.Pixels);

        var rgb = RandomImage(new Random(13), 3, 2, 3);
        var tga = new byte[18 + 3 * 2 * 3];
        tga[2] = 2;                                   // uncompressed true colour
        tga[12] = 3; tga[14] = 2; tga[16] = 24;       // 3 × 2, 24 bits
        tga[17] = 0x20;                               // rows stored top first
        for (int p = 0; p < 6; p++)
            for (int c = 0; c < 3; c++) tga[18 + 3 * p + c] = rgb.Pixels[3 * p + 2 - c];
        string path = Path.Combine(_dir, "tiny.tga");
        File.WriteAllBytes(path, tga);
        Assert.Equal(rgb.Pixels, Image.Load(path).Pixels);
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
        Assert.StartsWith("image upload #3: cannot decode (", ex.Message);
        Assert.Matches(@"\(.+\)$", ex.Message);   // the reason in parentheses
        var empty = Assert.Throws<InvalidDataException>(() => Image.Decode([], "empty.png"));
        Assert.Equal("image empty.png: cannot decode an empty file", empty.Message);
    }

    [Fact]
    public void TruncatedJpegIsRejectedNamingTheFile()
    {
        var jpeg = RandomImage(new Random(14), 40, 30, 3).EncodeJpeg(90);
        string path = Path.Combine(_dir, "cut.jpg");
        File.WriteAllBytes(path, jpeg[..40]);   // inside the quantisation tables, before the frame header
        var ex = Assert.Throws<InvalidDataException>(() => Image.Load(path));
        Assert.StartsWith($"image {path}: cannot decode (", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
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
