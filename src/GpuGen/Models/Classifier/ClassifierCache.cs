using System.Security.Cryptography;
using System.Text;
using GpuGen.Data;
using GpuGen.Tensors;

namespace GpuGen.Models.Classifier;

/// <summary>
/// Where the Fréchet-distance classifier comes from: the checkpoint the user names (<c>--classifier</c>),
/// else a cached one trained earlier on the same data with the same recipe, else one trained now and
/// stored in the cache for next time. The cache folder is <c>$XDG_CACHE_HOME/gpugen</c> (or
/// <c>~/.cache/gpugen</c>); a file is named by the data and a hash of the recipe and of the training
/// images and labels themselves, so changed data under the same name never reuses a stale classifier.
/// A cached file that cannot be read (truncated, corrupt, another family) is reported through the log
/// callback and retrained in place (atomically).
/// </summary>
public static class ClassifierCache
{
    /// <summary>$XDG_CACHE_HOME/gpugen when that variable is set to an absolute path (XDG base-directory spec), else ~/.cache/gpugen.</summary>
    public static string DefaultFolder() =>
        DefaultFolder(Environment.GetEnvironmentVariable("XDG_CACHE_HOME"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static string DefaultFolder(string? xdgCacheHome, string home) =>
        Path.Combine(!string.IsNullOrEmpty(xdgCacheHome) && Path.IsPathRooted(xdgCacheHome) ? xdgCacheHome : Path.Combine(home, ".cache"), "gpugen");

    /// <summary>
    /// The classifier for the training split of <paramref name="dataSpec"/> (as <c>--data</c> names it):
    /// see <see cref="GetOrTrain(Device, Dataset, string?, string?, ClassifierConfig?, Action{ClassifierProgress}?, Action{string}?)"/>.
    /// </summary>
    public static ImageClassifier GetOrTrain(Device device, string dataSpec, string? classifierPath = null, string? cacheDir = null,
        ClassifierConfig? recipe = null, Action<ClassifierProgress>? progress = null, Action<string>? log = null)
    {
        if (classifierPath is not null) return LoadGiven(device, classifierPath, null, log);
        return GetOrTrain(device, Dataset.Open(dataSpec), null, cacheDir, recipe, progress, log);
    }

    /// <summary>
    /// Returns the classifier at <paramref name="classifierPath"/> when given (it must take images of the
    /// data's shape); else the cached one for this data and <paramref name="recipe"/> (the defaults when
    /// null); else trains one on <paramref name="train"/> — reporting every step to
    /// <paramref name="progress"/> — and stores it in the cache. <paramref name="log"/> hears one line
    /// about what happened. The caller disposes the classifier.
    /// </summary>
    public static ImageClassifier GetOrTrain(Device device, Dataset train, string? classifierPath = null, string? cacheDir = null,
        ClassifierConfig? recipe = null, Action<ClassifierProgress>? progress = null, Action<string>? log = null)
    {
        if (classifierPath is not null) return LoadGiven(device, classifierPath, train, log);
        var config = ConfigFor(train, recipe ?? new ClassifierConfig());
        string path = PathFor(cacheDir ?? DefaultFolder(), config);
        if (File.Exists(path))
        {
            try
            {
                var cached = ImageClassifier.Load(device, path);
                if (cached.Config == config && cached.Step >= config.Steps)
                {
                    log?.Invoke($"classifier: using the cached {path} ({cached.Config.Data}, {cached.Step} steps)");
                    return cached;
                }
                cached.Dispose();
                log?.Invoke($"classifier: the cached {path} does not match this data and recipe; training a new one");
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or KeyNotFoundException)
            {
                log?.Invoke($"classifier: the cached {path} is unreadable ({e.Message}); training a new one");
            }
        }
        else
        {
            log?.Invoke($"classifier: none cached for {train.Name}; training one ({config.Steps} steps) into {path}");
        }
        var clf = ImageClassifier.Create(device, config);
        try
        {
            clf.Train(train, progress);
            clf.Save(path);
        }
        catch
        {
            clf.Dispose();
            throw;
        }
        return clf;
    }

    /// <summary>The cache file for a config whose data fields are filled in (<see cref="ConfigFor"/>).</summary>
    public static string PathFor(string cacheDir, ClassifierConfig config)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(config.RecipeJson() + "\n" + config.DataFingerprint));
        return Path.Combine(cacheDir, $"classifier-{Slug(config.Data)}-{Convert.ToHexStringLower(hash)[..16]}.safetensors");
    }

    /// <summary>The recipe with the data's image shape, number of classes, name and fingerprint filled in.</summary>
    public static ClassifierConfig ConfigFor(Dataset train, ClassifierConfig recipe)
    {
        if (!train.HasLabels) throw new ArgumentException($"{train.Name}: has no labels; the Fréchet-distance classifier needs labelled training images");
        return recipe with
        {
            Channels = train.Channels,
            Height = train.Height,
            Width = train.Width,
            Classes = Math.Max(2, train.ClassNames.Count),
            Data = train.Name,
            DataFingerprint = Fingerprint(train),
        };
    }

    /// <summary>SHA-256 (first 16 hex digits) of the dataset's shape, pixels, labels and class names.</summary>
    public static string Fingerprint(Dataset data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{data.Count}x{data.Channels}x{data.Height}x{data.Width};{string.Join('\u0001', data.ClassNames)}"));
        sha.AppendData(data.Pixels);
        var labels = data.Labels;
        if (labels.Length > 0) sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels));
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    private static ImageClassifier LoadGiven(Device device, string path, Dataset? train, Action<string>? log)
    {
        var clf = ImageClassifier.Load(device, path);
        if (train is not null)
        {
            var c = clf.Config;
            if (c.Channels != train.Channels || c.Height != train.Height || c.Width != train.Width)
            {
                clf.Dispose();
                throw new ArgumentException($"classifier {path} takes {c.Channels}×{c.Height}×{c.Width} images, but {train.Name} has {train.Channels}×{train.Height}×{train.Width}");
            }
            if (c.DataFingerprint.Length > 0 && c.DataFingerprint != Fingerprint(train))
                log?.Invoke($"classifier: note: {path} was trained on {c.Data}, not on {train.Name}; its distances compare only with others it measured");
        }
        log?.Invoke($"classifier: using {path} ({clf.Config.Data}, {clf.Step} steps)");
        return clf;
    }

    /// <summary>A file-name-safe version of a dataset name: letters, digits, '-' only, at most 40 characters.</summary>
    private static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (char ch in Path.GetFileName(name.TrimEnd('/', '\\')).ToLowerInvariant())
            sb.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '-');
        string slug = sb.ToString().Trim('-');
        if (slug.Length > 40) slug = slug[..40];
        return slug.Length == 0 ? "data" : slug;
    }
}
