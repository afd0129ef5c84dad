using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Data;

/// <summary>
/// Images in host memory as unsigned bytes [N, C, H, W] (row-major, channel planes), with optional
/// integer labels in [0, number of classes) and the classes' names. <see cref="DataLoader"/> turns it
/// into shuffled float batches on a device.
/// </summary>
/// <example>
/// <code>
/// var train = Dataset.Open("fashion-mnist");                              // 60000 × 1 × 28 × 28
/// var faces = Dataset.Open("folder:faces", new DatasetOptions { Height = 32, Width = 32, Color = ColorMode.Rgb });
/// </code>
/// </example>
public sealed class Dataset
{
    readonly byte[] _pixels;
    readonly int[]? _labels;

    /// <summary>
    /// Wraps <paramref name="pixels"/> [count, channels, height, width] (not copied) and optional
    /// <paramref name="labels"/> [count]; every label must index <paramref name="classNames"/>.
    /// </summary>
    public Dataset(byte[] pixels, int count, int channels, int height, int width,
        int[]? labels = null, IReadOnlyList<string>? classNames = null, string name = "dataset",
        IReadOnlyList<SkippedImage>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)count * channels * height * width != pixels.Length)
            throw new ArgumentException($"{name}: {count} images of {channels}×{height}×{width} need {(long)count * channels * height * width} bytes, got {pixels.Length}", nameof(pixels));
        if (labels is not null)
        {
            if (labels.Length != count)
                throw new ArgumentException($"{name}: {count} images but {labels.Length} labels", nameof(labels));
            classNames ??= Enumerable.Range(0, labels.Length == 0 ? 0 : labels.Max() + 1).Select(i => i.ToString()).ToArray();
            for (int i = 0; i < labels.Length; i++)
                if ((uint)labels[i] >= (uint)classNames.Count)
                    throw new ArgumentException($"{name}: label {labels[i]} of example {i} is outside [0, {classNames.Count}) ({classNames.Count} classes)", nameof(labels));
        }
        _pixels = pixels;
        _labels = labels;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = labels is null ? [] : classNames!;
        Name = name;
        Skipped = skipped ?? [];
    }

    /// <summary>Where the data came from (a spec or a path), for messages.</summary>
    public string Name { get; }

    /// <summary>Number of examples N.</summary>
    public int Count { get; }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Bytes per example: C·H·W.</summary>
    public int ExampleSize => Channels * Height * Width;

    /// <summary>All pixels [N, C, H, W].</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Whether the examples have labels.</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>The labels [N], or empty when there are none.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Class names indexed by label (empty without labels).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>How many classes a conditional model needs: the named classes, or the largest label + 1 (0 without labels).</summary>
    public int ClassCount => Math.Max(ClassNames.Count, _labels is { Length: > 0 } labels ? labels.Max() + 1 : 0);

    /// <summary>Files a folder loader left out under <see cref="CorruptImagePolicy.Skip"/>.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>Example <paramref name="index"/>'s pixels [C, H, W].</summary>
    public ReadOnlySpan<byte> Example(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _pixels.AsSpan(index * ExampleSize, ExampleSize);
    }

    /// <summary>One line: name, count, shape, classes, skipped files.</summary>
    public override string ToString() =>
        $"{Name}: {Count} images of {Channels}×{Height}×{Width}" +
        (HasLabels ? $", {ClassNames.Count} classes" : ", unlabelled") +
        (Skipped.Count > 0 ? $", {Skipped.Count} corrupt file{(Skipped.Count == 1 ? "" : "s")} skipped" : "");

    /// <summary>
    /// Opens a dataset named the way <c>--data</c> names it:
    /// <list type="bullet">
    /// <item><c>fashion-mnist</c> — the IDX files that the Debian package dataset-fashion-mnist installs
    /// (found with <c>dpkg -L</c>);</item>
    /// <item><c>idx:DIR</c> — a folder with MNIST-style files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
    /// t10k-…; raw or .gz; a '.' instead of the '-' before "idx" is accepted);</item>
    /// <item><c>folder:DIR</c> — PNG/JPEG/BMP/GIF/TGA/PNM images; when DIR has sub-folders each is a
    /// class (labels follow the sub-folders' names in ordinal order), otherwise the images are unlabelled.</item>
    /// </list>
    /// </summary>
    /// <exception cref="InvalidDataException">A file is corrupt or inconsistent; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The files are not there (or the Debian package is not installed).</exception>
    public static Dataset Open(string spec, DatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        options ??= new DatasetOptions();
        if ((options.Height is null) != (options.Width is null))
            throw new ArgumentException("give both the height and the width to resize to, or neither");
        if (options.Height <= 0 || options.Width <= 0)
            throw new ArgumentException($"cannot resize to {options.Height}×{options.Width}");

        string lower = spec.ToLowerInvariant();
        if (lower is "fashion-mnist" or "fashion_mnist" or "fashionmnist")
            return FashionMnist.Open(options);
        if (lower.StartsWith("idx:", StringComparison.Ordinal))
            return OpenIdxFolder(spec[4..], options, spec, classNames: null);
        if (lower.StartsWith("folder:", StringComparison.Ordinal))
            return ImageFolder.Load(spec[7..], options);
        throw new ArgumentException($"unknown dataset '{spec}': expected fashion-mnist, idx:DIR or folder:DIR");
    }

    /// <summary>
    /// Reads an IDX image file [N, H, W] and optionally its label file [N] as a 1-channel dataset,
    /// then resizes and converts it as <paramref name="options"/> asks.
    /// </summary>
    public static Dataset FromIdx(string imagesPath, string? labelsPath, DatasetOptions? options = null,
        IReadOnlyList<string>? classNames = null, string? name = null)
    {
        options ??= new DatasetOptions();
        var pixels = Idx.ReadImages(imagesPath, out int count, out int height, out int width);
        int[]? labels = null;
        if (labelsPath is not null)
        {
            var raw = Idx.ReadLabels(labelsPath);
            if (raw.Length != count)
                throw new InvalidDataException($"{labelsPath}: holds {raw.Length} labels but {imagesPath} holds {count} images");
            labels = Array.ConvertAll(raw, b => (int)b);
            int classes = labels.Length == 0 ? 0 : labels.Max() + 1;
            if (classNames is not null && classes > classNames.Count)
                throw new InvalidDataException($"{labelsPath}: label {classes - 1} is outside the {classNames.Count} classes of {name ?? "this dataset"}");
        }
        var data = new Dataset(pixels, count, 1, height, width, labels, classNames, name ?? imagesPath);
        return Conform(data, options);
    }

    internal static Dataset OpenIdxFolder(string dir, DatasetOptions options, string name, IReadOnlyList<string>? classNames)
    {
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"{name}: folder '{dir}' does not exist");
        string prefix = options.Split == DatasetSplit.Train ? "train" : "t10k";
        string? images = FindIdx(dir, prefix, "images", 3);
        string? labels = FindIdx(dir, prefix, "labels", 1);
        if (images is null)
            throw new FileNotFoundException(
                $"{name}: no {options.Split.ToString().ToLowerInvariant()} images in '{dir}' (looked for {prefix}-images-idx3-ubyte, with '.' or '-' before idx3, raw or .gz)");
        return FromIdx(images, labels, options, classNames, name);
    }

    static string? FindIdx(string dir, string prefix, string kind, int rank)
    {
        foreach (string sep in new[] { "-", "." })
            foreach (string ext in new[] { "", ".gz" })
            {
                string path = Path.Combine(dir, $"{prefix}-{kind}{sep}idx{rank}-ubyte{ext}");
                if (File.Exists(path)) return path;
            }
        return null;
    }

    /// <summary>Resizes and converts channels as the options ask; returns <paramref name="data"/> itself when nothing changes.</summary>
    internal static Dataset Conform(Dataset data, DatasetOptions options)
    {
        int height = options.Height ?? data.Height, width = options.Width ?? data.Width;
        int channels = options.Color switch
        {
            ColorMode.Grayscale => 1,
            ColorMode.Rgb => 3,
            _ => data.Channels,
        };
        if (height == data.Height && width == data.Width && channels == data.Channels) return data;

        int inSize = data.ExampleSize, outSize = channels * height * width;
        var pixels = new byte[(long)data.Count * outSize];
        Parallel.For(0, data.Count, i =>
        {
            var image = ToImage(data._pixels.AsSpan(i * inSize, inSize), data.Channels, data.Height, data.Width);
            var converted = ImageResize.Resize(ConvertChannels(image, channels), width, height);
            ToPlanes(converted, pixels.AsSpan(i * outSize, outSize));
        });
        return new Dataset(pixels, data.Count, channels, height, width, data._labels, data.HasLabels ? data.ClassNames : null, data.Name, data.Skipped);
    }

    /// <summary>Planes [C, H, W] → an interleaved image.</summary>
    internal static Image ToImage(ReadOnlySpan<byte> planes, int channels, int height, int width)
    {
        var image = new Image(width, height, channels);
        int plane = height * width;
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++)
                image.Pixels[p * channels + c] = planes[c * plane + p];
        return image;
    }

    /// <summary>An interleaved image → planes [C, H, W].</summary>
    internal static void ToPlanes(Image image, Span<byte> planes)
    {
        int channels = image.Channels, plane = image.Width * image.Height;
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++)
                planes[c * plane + p] = image.Pixels[p * channels + c];
    }

    /// <summary>
    /// To 1 or 3 channels: alpha is composited over white first (<see cref="Image.ToRgb"/>); colour
    /// becomes grey by stb_image's luma (77R + 150G + 29B) / 256.
    /// </summary>
    internal static Image ConvertChannels(Image image, int channels)
    {
        if (image.Channels == channels) return image;
        if (channels == 3) return image.ToRgb();
        var rgb = image.ToRgb();
        var grey = new Image(image.Width, image.Height, 1);
        for (int p = 0; p < grey.Pixels.Length; p++)
            grey.Pixels[p] = (byte)((rgb.Pixels[3 * p] * 77 + rgb.Pixels[3 * p + 1] * 150 + rgb.Pixels[3 * p + 2] * 29) >> 8);
        return grey;
    }
}
