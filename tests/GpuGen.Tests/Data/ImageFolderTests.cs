using System.Buffers.Binary;
using GpuGen.Data;
using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Tests.Data;

using Random = System.Random;   // GpuGen.Random (Philox) is a namespace

public sealed class ImageFolderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("gpugen-folder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Sub(params string[] parts) => Path.Combine([_dir, .. parts]);

    static Image Solid(int w, int h, params byte[] colour)
    {
        var image = new Image(w, h, colour.Length);
        for (int p = 0; p < w * h; p++) colour.CopyTo(image.Pixels, p * colour.Length);
        return image;
    }

    static void Save(Image image, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        switch (Path.GetExtension(path))
        {
            case ".png": image.SavePng(path); break;
            case ".jpg": File.WriteAllBytes(path, image.EncodeJpeg(95)); break;
            case ".bmp": File.WriteAllBytes(path, Bmp(image.ToRgb())); break;
            default: throw new ArgumentException(path);
        }
    }

    /// <summary>A 24-bit uncompressed BMP (bottom-up rows, BGR, rows padded to 4 bytes).</summary>
    static byte[] Bmp(Image rgb)
    {
        int row = (rgb.Width * 3 + 3) & ~3, size = 54 + row * rgb.Height;
        var b = new byte[size];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), rgb.Width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), rgb.Height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        for (int y = 0; y < rgb.Height; y++)
            for (int x = 0; x < rgb.Width; x++)
                for (int c = 0; c < 3; c++)
                    b[54 + (rgb.Height - 1 - y) * row + 3 * x + c] = rgb.Pixels[(y * rgb.Width + x) * 3 + (2 - c)];
        return b;
    }

    [Fact]
    public void ClassSubFoldersBecomeSortedLabels()
    {
        // Three formats, three classes created out of order; a README and a hidden folder are ignored.
        Save(Solid(6, 6, 200), Sub("dog", "a.png"));
        Save(Solid(6, 6, 10), Sub("ant", "b.bmp"));
        Save(Solid(6, 6, 10), Sub("ant", "a.png"));
        Save(Solid(6, 6, 120), Sub("cat", "x.jpg"));
        File.WriteAllText(Sub("cat", "README.txt"), "not an image");
        Save(Solid(6, 6, 99), Sub(".cache", "z.png"));

        var data = Dataset.Open($"folder:{_dir}", new DatasetOptions { Color = ColorMode.Grayscale });   // the BMP is RGB
        Assert.Equal(["ant", "cat", "dog"], data.ClassNames);
        Assert.Equal([0, 0, 1, 2], data.Labels.ToArray());
        Assert.Equal((4, 1, 6, 6), (data.Count, data.Channels, data.Height, data.Width));
        Assert.All(data.Example(0).ToArray(), v => Assert.Equal(10, v));
        Assert.All(data.Example(1).ToArray(), v => Assert.Equal(10, v));      // the BMP: grey stored as BGR, luma gives it back
        Assert.All(data.Example(2).ToArray(), v => Assert.InRange(v, 118, 122));   // JPEG is lossy
        Assert.All(data.Example(3).ToArray(), v => Assert.Equal(200, v));
        Assert.Empty(data.Skipped);
    }

    [Fact]
    public void UnlabelledFolderAndMixedLayoutIsRejected()
    {
        Save(Solid(3, 2, 1), Sub("flat", "1.png"));
        Save(Solid(3, 2, 2), Sub("flat", "2.png"));
        var flat = Dataset.Open($"folder:{Sub("flat")}");
        Assert.Equal(2, flat.Count);
        Assert.False(flat.HasLabels);
        Assert.Empty(flat.ClassNames);

        Save(Solid(3, 2, 3), Sub("flat", "class", "3.png"));
        var ex = Assert.Throws<InvalidDataException>(() => Dataset.Open($"folder:{Sub("flat")}"));
        Assert.Contains("class sub-folders", ex.Message);
        Assert.Contains("1.png", ex.Message);

        Directory.CreateDirectory(Sub("void"));
        Assert.Throws<FileNotFoundException>(() => Dataset.Open($"folder:{Sub("void")}"));
        Assert.Throws<DirectoryNotFoundException>(() => Dataset.Open($"folder:{Sub("absent")}"));
    }

    [Fact]
    public void GrayscaleRgbAndAuto()
    {
        Save(Solid(4, 4, 255, 0, 0), Sub("c", "red.png"));
        Save(Solid(4, 4, 0, 0, 255, 0), Sub("c", "transparent.png"));   // RGBA, alpha 0: composited over white
        Save(Solid(4, 4, 50), Sub("c", "zgrey.png"));

        var rgb = Dataset.Open($"folder:{Sub("c")}", new DatasetOptions { Color = ColorMode.Rgb });
        Assert.Equal(3, rgb.Channels);
        Assert.Equal([.. Enumerable.Repeat((byte)255, 16), .. new byte[32]], rgb.Example(0).ToArray());   // planes R, G, B
        Assert.All(rgb.Example(1).ToArray(), v => Assert.Equal(255, v));
        Assert.All(rgb.Example(2).ToArray(), v => Assert.Equal(50, v));

        var grey = Dataset.Open($"folder:{Sub("c")}", new DatasetOptions { Color = ColorMode.Grayscale });
        Assert.Equal(1, grey.Channels);
        Assert.All(grey.Example(0).ToArray(), v => Assert.Equal(255 * 77 >> 8, v));   // luma of pure red
        Assert.All(grey.Example(1).ToArray(), v => Assert.Equal(255, v));
        Assert.All(grey.Example(2).ToArray(), v => Assert.Equal(50, v));

        Assert.Equal(3, Dataset.Open($"folder:{Sub("c")}").Channels);   // auto: any colour makes it RGB
        File.Delete(Sub("c", "red.png"));
        File.Delete(Sub("c", "transparent.png"));
        Assert.Equal(1, Dataset.Open($"folder:{Sub("c")}").Channels);   // all grey stays grey
    }

    [Fact]
    public void ImagesAreResizedToTheModelSize()
    {
        // An 8×8 pattern whose 2×2 blocks have known means, and a 2×2 image to be up-scaled.
        var pattern = new Image(8, 8, 1);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                pattern.Pixels[y * 8 + x] = (byte)(16 * (y / 2 * 4 + x / 2) + ((x + y) % 2 == 0 ? 0 : 8));
        Save(pattern, Sub("r", "a.png"));
        Save(new Image(2, 2, 1, [0, 100, 100, 200]), Sub("r", "b.png"));

        var data = Dataset.Open($"folder:{Sub("r")}", new DatasetOptions { Height = 4, Width = 4 });
        Assert.Equal((2, 1, 4, 4), (data.Count, data.Channels, data.Height, data.Width));
        // Each 2×2 block holds two pixels of 16k and two of 16k + 8: mean 16k + 4, exactly.
        Assert.Equal(Enumerable.Range(0, 16).Select(k => (byte)(16 * k + 4)).ToArray(), data.Example(0).ToArray());
        // Bilinear with aligned centres: row 0 of 2→4 is [0, 25, 75, 100], and the columns likewise.
        var up = data.Example(1).ToArray();
        Assert.Equal(new byte[] { 0, 25, 75, 100 }, up[..4]);
        Assert.Equal(new byte[] { 100, 125, 175, 200 }, up[12..]);

        // Without a size, the first image's size is the dataset's.
        Assert.Equal((8, 8), (Dataset.Open($"folder:{Sub("r")}").Height, Dataset.Open($"folder:{Sub("r")}").Width));
    }

    [Fact]
    public void AreaAveragingWeighsPartialPixels()
    {
        // 3 → 2: output 0 covers [0, 1.5) = all of pixel 0 and half of pixel 1; output 1 the rest.
        var dst = new byte[2];
        ImageResize.Resize([0, 90, 180], 3, 1, 1, dst, 2, 1);
        Assert.Equal(new byte[] { 30, 150 }, dst);

        // Constant images stay constant; the mean survives down-scaling by an odd factor.
        var rng = new Random(3);
        var src = new byte[28 * 28];
        rng.NextBytes(src);
        var small = new byte[10 * 10];
        ImageResize.Resize(src, 28, 28, 1, small, 10, 10);
        Assert.InRange(small.Average(b => (double)b) - src.Average(b => (double)b), -0.5, 0.5);
        var flat = Enumerable.Repeat((byte)77, 7 * 5 * 3).ToArray();
        var resized = new byte[11 * 3 * 3];
        ImageResize.Resize(flat, 7, 5, 3, resized, 11, 3);
        Assert.All(resized, v => Assert.Equal(77, v));
    }

    [Fact]
    public void CorruptImageStopsOrIsSkipped()
    {
        Save(Solid(5, 5, 10), Sub("k", "a", "good.png"));
        Save(Solid(5, 5, 20), Sub("k", "b", "good.png"));
        var png = Solid(5, 5, 30).EncodePng();
        string broken = Sub("k", "a", "broken.png");
        File.WriteAllBytes(broken, png[..(png.Length / 2)]);

        var ex = Assert.Throws<InvalidDataException>(() => Dataset.Open($"folder:{Sub("k")}"));
        Assert.Contains(broken, ex.Message);

        var data = Dataset.Open($"folder:{Sub("k")}", new DatasetOptions { OnCorruptImage = CorruptImagePolicy.Skip });
        Assert.Equal(2, data.Count);
        Assert.Equal([0, 1], data.Labels.ToArray());
        Assert.Equal(20, data.Example(1)[0]);
        var skipped = Assert.Single(data.Skipped);
        Assert.Equal(broken, skipped.Path);
        Assert.Contains("cannot decode", skipped.Reason);
        Assert.Contains("1 corrupt file skipped", data.ToString());

        // The corrupt file sorting first still leaves the size to the first good one.
        string first = Sub("k", "a", "aaa.png");
        File.Copy(broken, first);
        data = Dataset.Open($"folder:{Sub("k")}", new DatasetOptions { OnCorruptImage = CorruptImagePolicy.Skip });
        Assert.Equal((2, 5, 5), (data.Skipped.Count, data.Height, data.Width));
        ex = Assert.Throws<InvalidDataException>(() => Dataset.Open($"folder:{Sub("k")}"));
        Assert.Contains(first, ex.Message);
    }

    [Fact]
    public void UnknownSpecAndMissingPackageAreExplained()
    {
        var ex = Assert.Throws<ArgumentException>(() => Dataset.Open("cifar-10"));
        Assert.Contains("fashion-mnist, idx:DIR or folder:DIR", ex.Message);

        var missing = Assert.Throws<FileNotFoundException>(() => FashionMnist.Open(new DatasetOptions(), files: null));
        Assert.Contains("apt-get install dataset-fashion-mnist", missing.Message);
        Assert.Contains("./test and ./gpugen install it", missing.Message);
    }
}
