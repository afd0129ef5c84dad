using GpuGen.IO;

namespace GpuGen.Tests.IO;

using Random = System.Random;   // GpuGen.Random (Philox) is a namespace

public sealed class AtomicFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("gpugen-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WriteReplacesTheTargetAndLeavesNoTempFile()
    {
        string path = Path.Combine(_dir, "out.bin");
        File.WriteAllText(path, "old");
        AtomicFile.WriteAllBytes(path, "new content"u8);
        Assert.Equal("new content", File.ReadAllText(path));
        Assert.Equal(["out.bin"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void WriterThatThrowsMidwayLeavesThePreviousFileIntactAndNoTempFile()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        var previous = new byte[4096];
        new Random(11).NextBytes(previous);
        File.WriteAllBytes(path, previous);

        var ex = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[10_000]);   // half a file is already on disk in the temp file...
            throw new IOException("disk full (simulated)");
        }));

        Assert.Equal("disk full (simulated)", ex.Message);
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void DisposeWithoutCommitDiscardsTheNewContent()
    {
        string path = Path.Combine(_dir, "a.txt");
        using (var file = AtomicFile.Create(path))
            file.Stream.Write("partial"u8);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void FailedSafeTensorsWriteKeepsTheOldCheckpoint()
    {
        string path = Path.Combine(_dir, "ckpt.safetensors");
        SafeTensors.Write(path, [SafeTensor.Float32("w", [1f, 2f], 2)]);
        byte[] before = File.ReadAllBytes(path);
        // A bad second write (duplicate names) must fail without touching the good checkpoint.
        Assert.Throws<ArgumentException>(() =>
            SafeTensors.Write(path, [SafeTensor.Float32("w", [1f], 1), SafeTensor.Float32("w", [2f], 1)]));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void CreatesMissingDirectories()
    {
        string path = Path.Combine(_dir, "runs", "exp1", "x.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
    }
}
