using GpuGen.Backends;
using GpuGen.Models.Classifier;
using GpuGen.Tensors;
using GpuGen.Tests.Support;

namespace GpuGen.Tests.Models;

/// <summary>
/// The classifier on a device against the CPU: the same checkpoint gives the same logits and features,
/// and the same seed the same first training steps, up to float32 rounding (the device sums in another
/// order). Tiny shapes: PoCL is slow.
/// </summary>
public sealed class ClassifierDeviceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-classifier-device-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly ClassifierConfig Config = new(Classes: 4, Width1: 4, Width2: 8, Width3: 8, FeatureDim: 16, Batch: 8, Steps: 3, Seed: 3);

    [Theory]
    [DeviceData("ilgpu-cpu")]
    [DeviceData("opencl:0")]
    [DeviceData("cuda:0")]
    public void DeviceMatchesTheCpu(string name)
    {
        var train = SyntheticShapes.Dataset(16, seed: 1);
        var host = ClassifierTests.ToFloats(SyntheticShapes.Dataset(6, seed: 2));
        string path = Path.Combine(dir, "c.safetensors");
        var cpuLosses = new List<double>();
        double[,] cpuFeatures;
        float[] cpuLogits;
        using (var cpu = Device.Cpu())
        using (var clf = ImageClassifier.Create(cpu, Config))
        {
            clf.Train(train, p => cpuLosses.Add(p.Loss));
            clf.Save(path);
            using var images = Tensor.FromArray(cpu, host, 6, 1, 28, 28);
            cpuFeatures = clf.Features(images);
            cpuLogits = clf.Logits(images);
        }
        using var device = TestBackends.OpenDevice(name);
        using (var loaded = ImageClassifier.Load(device, path))
        {
            using var images = Tensor.FromArray(device, host, 6, 1, 28, 28);
            Approx.Close(Array.ConvertAll(cpuLogits, v => (double)v), loaded.Logits(images), rtol: 1e-4, atol: 1e-4, what: "logits");
            var features = loaded.Features(images);
            Approx.Close(cpuFeatures.Cast<double>().ToArray(), features.Cast<double>().Select(v => (float)v).ToArray(), rtol: 1e-4, atol: 1e-4, what: "features");
        }
        var deviceLosses = new List<double>();
        using (var clf = ImageClassifier.Create(device, Config))
            clf.Train(train, p => deviceLosses.Add(p.Loss));
        Approx.Close(cpuLosses.ToArray(), deviceLosses.Select(v => (float)v).ToArray(), rtol: 1e-3, atol: 1e-4, what: "training losses");
    }
}
