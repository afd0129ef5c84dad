using GpuGen.Models.Diffusion;
using GpuGen.Tensors;

namespace GpuGen.Tests.Models;

public class CheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-ckpt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void RoundTripIsBitExactAndResumesIdentically()
    {
        using var device = Device.Cpu();
        string path = Path.Combine(dir, "model.safetensors");
        var config = new ToyDiffusionConfig(Batch: 64, Seed: 21, Data: "moons");
        float[] continued;
        using (var run = ToyDiffusion.Create(device, config))
        {
            for (int i = 0; i < 7; i++) run.TrainStep();
            run.Save(path);
            continued = Enumerable.Range(0, 3).Select(_ => run.TrainStep()).ToArray();
        }
        using var loaded = ToyDiffusion.Load(device, path);
        Assert.Equal(config with { Data = "moons" }, loaded.Config);
        Assert.Equal(7, loaded.Step);
        // The resumed run takes exactly the same next steps: weights, Adam moments, step and data streams all came back.
        var resumed = Enumerable.Range(0, 3).Select(_ => loaded.TrainStep()).ToArray();
        Assert.Equal(continued, resumed);
    }

    [Fact]
    public void CorruptedCheckpointIsRejectedAndNamed()
    {
        using var device = Device.Cpu();
        string path = Path.Combine(dir, "model.safetensors");
        using (var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Batch: 16)))
            run.Save(path);
        var bytes = File.ReadAllBytes(path);

        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var truncated = Assert.ThrowsAny<InvalidDataException>(() => ToyDiffusion.Load(device, path));
        Assert.Contains(path, truncated.Message);

        var garbled = (byte[])bytes.Clone();
        garbled[10] = (byte)'#';
        File.WriteAllBytes(path, garbled);
        Assert.Contains(path, Assert.ThrowsAny<InvalidDataException>(() => ToyDiffusion.Load(device, path)).Message);

        Assert.Contains("no such file", Assert.Throws<FileNotFoundException>(() => ToyDiffusion.Load(device, Path.Combine(dir, "missing.safetensors"))).Message);
    }

    [Fact]
    public void CheckpointOfAnotherShapeIsRejected()
    {
        using var device = Device.Cpu();
        string path = Path.Combine(dir, "model.safetensors");
        using (var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Batch: 16, Hidden: 64)))
            run.Save(path);
        // Rewrite the config to claim width 128 while the tensors are 64 wide.
        var file = GpuGen.IO.SafeTensors.Read(path);
        var meta = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        meta["gpugen.config"] = meta["gpugen.config"].Replace("\"hidden\":64", "\"hidden\":128");
        GpuGen.IO.SafeTensors.Write(path, file.Tensors, meta);
        var e = Assert.Throws<InvalidDataException>(() => ToyDiffusion.Load(device, path));
        Assert.Contains("net.0.weight", e.Message);
        Assert.Contains("[64,34]", e.Message);
    }
}
