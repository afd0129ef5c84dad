using GpuGen.IO;
using GpuGen.Pictures;

namespace GpuGen.Data;

/// <summary>
/// The <c>folder:DIR</c> loader: image files (by extension) directly in DIR, or in class sub-folders
/// of DIR (one level; labels follow the sub-folders' names in ordinal order). Hidden entries (a
/// leading '.') and files of other types are ignored. Files are decoded by StbImageSharp, converted to
/// the wanted channels and resized to the wanted size (<see cref="ImageResize"/>) as they are read,
/// so memory stays near the size of the result.
/// </summary>
static class ImageFolder
{
    public static Dataset Load(string dir, DatasetOptions options)
    {
        string name = $"folder:{dir}";
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"{name}: folder '{dir}' does not exist");

        var classes = Visible(Directory.GetDirectories(dir)).ToArray();
        var loose = ImagesIn(dir);
        var files = new List<(string Path, int Label)>();
        if (classes.Length > 0)
        {
            if (loose.Length > 0)
                throw new InvalidDataException(
                    $"{name}: holds class sub-folders ({string.Join(", ", classes.Take(3).Select(Path.GetFileName))}…) and also {loose.Length} images at the top " +
                    $"(e.g. {loose[0]}); put every image in a class folder, or remove the sub-folders for unlabelled data");
            for (int c = 0; c < classes.Length; c++)
                files.AddRange(ImagesIn(classes[c]).Select(f => (f, c)));
        }
        else
        {
            files.AddRange(loose.Select(f => (f, -1)));
        }
        if (files.Count == 0)
            throw new FileNotFoundException($"{name}: no images found (looked for {string.Join(" ", ImageFormat.Extensions.Keys.Order(StringComparer.Ordinal))})");

        var skipped = new List<SkippedImage>();
        var decoded = new Image?[files.Count];
        var failures = new string?[files.Count];

        // The target size, unless given, is the first decodable image's.
        int height = options.Height ?? 0, width = options.Width ?? 0;
        int firstGood = 0;
        if (options.Height is null)
        {
            for (; firstGood < files.Count; firstGood++)
            {
                if (TryDecode(files[firstGood].Path, out var image, out failures[firstGood]))
                {
                    (width, height) = (image!.Width, image.Height);
                    break;
                }
                if (options.OnCorruptImage == CorruptImagePolicy.Stop) throw new InvalidDataException(failures[firstGood]);
            }
        }

        int wanted = options.Color switch { ColorMode.Grayscale => 1, ColorMode.Rgb => 3, _ => 0 };
        Parallel.For(firstGood, files.Count, i =>
        {
            if (!TryDecode(files[i].Path, out var image, out failures[i])) return;
            // Auto keeps grey as grey and anything with colour as RGB; the mix is settled below.
            int channels = wanted != 0 ? wanted : image!.Channels == 1 ? 1 : 3;
            decoded[i] = ImageResize.Resize(Dataset.ConvertChannels(image!, channels), width, height);
        });

        for (int i = 0; i < files.Count; i++)
        {
            if (failures[i] is not { } reason) continue;
            if (options.OnCorruptImage == CorruptImagePolicy.Stop) throw new InvalidDataException(reason);
            skipped.Add(new SkippedImage(files[i].Path, reason));
        }
        var kept = Enumerable.Range(0, files.Count).Where(i => decoded[i] is not null).ToArray();
        if (kept.Length == 0)
            throw new InvalidDataException($"{name}: none of the {files.Count} image files could be decoded (first: {failures.First(f => f is not null)})");

        int outChannels = wanted != 0 ? wanted : kept.Any(i => decoded[i]!.Channels == 3) ? 3 : 1;
        int size = outChannels * height * width;
        var pixels = new byte[(long)kept.Length * size];
        for (int k = 0; k < kept.Length; k++)
            Dataset.ToPlanes(Dataset.ConvertChannels(decoded[kept[k]]!, outChannels), pixels.AsSpan(k * size, size));

        int[]? labels = classes.Length > 0 ? kept.Select(i => files[i].Label).ToArray() : null;
        string[]? classNames = classes.Length > 0 ? classes.Select(c => Path.GetFileName(c)).ToArray() : null;
        return new Dataset(pixels, kept.Length, outChannels, height, width, labels, classNames, name, skipped);
    }

    static bool TryDecode(string path, out Image? image, out string? failure)
    {
        try
        {
            image = Image.Load(path);
            failure = null;
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            image = null;
            failure = e is InvalidDataException ? e.Message : $"image {path}: cannot read ({e.Message})";
            return false;
        }
    }

    static string[] ImagesIn(string dir) =>
        Visible(Directory.GetFiles(dir)).Where(f => ImageFormat.Extensions.ContainsKey(Path.GetExtension(f))).ToArray();

    static IEnumerable<string> Visible(string[] paths) =>
        paths.Where(p => !Path.GetFileName(p).StartsWith('.')).Order(StringComparer.Ordinal);
}
