using GpuGen.Data;
using GpuGen.Models.Classifier;
using GpuGen.Tensors;

namespace GpuGen.Tests.Models;

public class ClassifierCacheTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-classifier-cache-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly ClassifierConfig Recipe = ClassifierTests.Tiny(steps: 6);

    [Fact]
    public void TrainsOnceThenReusesTheCachedClassifier()
    {
        using var device = Device.Cpu();
        string spec = SyntheticShapes.WriteIdx(Path.Combine(dir, "data"), 96, 40, seed: 1);
        string cache = Path.Combine(dir, "cache");
        int steps = 0;
        var log = new List<string>();
        using var first = ClassifierCache.GetOrTrain(device, spec, cacheDir: cache, recipe: Recipe, progress: _ => steps++, log: log.Add);
        Assert.Equal(6, steps);
        var files = Directory.GetFiles(cache, "*.safetensors");
        Assert.Single(files);
        Assert.StartsWith("classifier-data-", Path.GetFileName(files[0]));
        Assert.Contains(log, l => l.Contains("training"));
        var written = File.GetLastWriteTimeUtc(files[0]);

        steps = 0;
        log.Clear();
        using var second = ClassifierCache.GetOrTrain(device, spec, cacheDir: cache, recipe: Recipe, progress: _ => steps++, log: log.Add);
        Assert.Equal(0, steps);
        Assert.Contains(log, l => l.Contains("cached"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(files[0]));
        using var images = Tensor.FromArray(device, ClassifierTests.ToFloats(SyntheticShapes.Dataset(20, seed: 5)), 20, 1, 28, 28);
        Assert.Equal(first.Features(images), second.Features(images));

        // Another recipe, or other data, gets a file of its own.
        using var other = ClassifierCache.GetOrTrain(device, spec, cacheDir: cache, recipe: Recipe with { Seed = 8 });
        var otherData = SyntheticShapes.Dataset(96, seed: 2);
        using var third = ClassifierCache.GetOrTrain(device, otherData, cacheDir: cache, recipe: Recipe);
        Assert.Equal(3, Directory.GetFiles(cache, "*.safetensors").Length);
        Assert.NotEqual(ClassifierCache.Fingerprint(Dataset.Open(spec)), ClassifierCache.Fingerprint(otherData));
    }

    [Fact]
    public void BrokenCachedFileIsReportedAndRetrained()
    {
        using var device = Device.Cpu();
        var train = SyntheticShapes.Dataset(64, seed: 3);
        string cache = Path.Combine(dir, "cache");
        using (ClassifierCache.GetOrTrain(device, train, cacheDir: cache, recipe: Recipe)) { }
        string path = Directory.GetFiles(cache, "*.safetensors").Single();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());   // truncated, as by a full disk

        int steps = 0;
        var log = new List<string>();
        using var retrained = ClassifierCache.GetOrTrain(device, train, cacheDir: cache, recipe: Recipe, progress: _ => steps++, log: log.Add);
        Assert.Equal(6, steps);
        Assert.Contains(log, l => l.Contains("unreadable") && l.Contains(path));
        Assert.Equal(bytes.Length, new FileInfo(path).Length);
        using var reloaded = ImageClassifier.Load(device, path);
        Assert.Equal(6, reloaded.Step);
    }

    [Fact]
    public void AGivenCheckpointIsUsedAndMustFitTheData()
    {
        using var device = Device.Cpu();
        var train = SyntheticShapes.Dataset(64, seed: 4);
        string given = Path.Combine(dir, "mine.safetensors");
        using (var clf = ImageClassifier.Create(device, ClassifierCache.ConfigFor(train, Recipe with { Steps = 2 })))
        {
            clf.Train(train);
            clf.Save(given);
        }
        int steps = 0;
        using (var loaded = ClassifierCache.GetOrTrain(device, train, classifierPath: given, cacheDir: Path.Combine(dir, "cache"), progress: _ => steps++))
            Assert.Equal(2, loaded.Step);
        Assert.Equal(0, steps);
        Assert.False(Directory.Exists(Path.Combine(dir, "cache")));

        var small = new Dataset(new byte[4 * 16 * 16], 4, 1, 16, 16, [0, 1, 2, 3]);
        Assert.Contains("16×16", Assert.Throws<ArgumentException>(() => ClassifierCache.GetOrTrain(device, small, classifierPath: given)).Message);
        Assert.Throws<FileNotFoundException>(() => ClassifierCache.GetOrTrain(device, train, classifierPath: Path.Combine(dir, "none.safetensors")));
    }

    [Fact]
    public void DefaultFolderFollowsXdgCacheHome()
    {
        Assert.Equal("/somewhere/cache/gpugen", ClassifierCache.DefaultFolder("/somewhere/cache", "/home/me"));
        Assert.Equal("/home/me/.cache/gpugen", ClassifierCache.DefaultFolder("relative/is/ignored", "/home/me"));
        Assert.Equal("/home/me/.cache/gpugen", ClassifierCache.DefaultFolder(null, "/home/me"));
        Assert.EndsWith(Path.Combine("gpugen"), ClassifierCache.DefaultFolder());
    }
}
