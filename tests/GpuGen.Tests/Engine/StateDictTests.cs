using GpuGen.IO;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Gan;
using GpuGen.Optim;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Tests.Engine;

/// <summary>The one state walk every checkpoint uses: its names, and the errors a damaged file gets.</summary>
public sealed class StateDictTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gpugen-state-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string SavedToy(Device device)
    {
        string path = Path.Combine(dir, "toy.safetensors");
        using var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Hidden: 8, HiddenLayers: 1, Batch: 16, Seed: 3));
        run.TrainStep();
        run.Save(path);
        return path;
    }

    /// <summary>Rewrites a checkpoint with its tensors and metadata changed.</summary>
    private static void Rewrite(string path, Func<IEnumerable<SafeTensor>, IEnumerable<SafeTensor>> tensors, Action<Dictionary<string, string>> metadata)
    {
        var file = SafeTensors.Read(path);
        var meta = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        metadata(meta);
        SafeTensors.Write(path, tensors(file.Tensors).ToList(), meta);
    }

    [Fact]
    public void GanStateNamesBothOptimizersByTheirNetworksWeights()
    {
        using var device = Device.Cpu();
        using var gan = Gan.Create(device, new GanConfig { Data = "8gaussians", Architecture = "mlp", Latent = 2, Hidden = 4, HiddenLayers = 1, Batch = 4 });
        var state = gan.State();
        var weights = gan.Networks.NamedParameters().Select(p => p.Name).ToArray();
        var g = weights.Where(n => n.StartsWith("g.", StringComparison.Ordinal)).ToArray();
        var d = weights.Where(n => n.StartsWith("d.", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(g);
        Assert.NotEmpty(d);
        var names = state.Entries.Select(e => e.Name).ToArray();
        Assert.Equal(
            [.. weights, .. g.SelectMany(n => new[] { "optim.g.exp_avg." + n, "optim.g.exp_avg_sq." + n }), .. d.SelectMany(n => new[] { "optim.d.exp_avg." + n, "optim.d.exp_avg_sq." + n })],
            names);
        Assert.Equal(["gpugen.optim.g.step", "gpugen.optim.d.step"], state.Counters().Select(c => c.Key));
    }

    [Fact]
    public void MissingTensorIsOneLineNamingFileAndTensor()
    {
        using var device = Device.Cpu();
        string path = SavedToy(device);
        using (var ok = ToyDiffusion.Load(device, path)) Assert.Equal(1, ok.Step);   // positive control: the intact file loads

        Rewrite(path, ts => ts.Where(t => t.Name != "optim.exp_avg_sq.net.0.weight"), _ => { });
        var e = Assert.Throws<InvalidDataException>(() => ToyDiffusion.Load(device, path));
        Assert.Equal($"checkpoint {path}: has no tensor 'optim.exp_avg_sq.net.0.weight'", e.Message);
    }

    [Fact]
    public void MissingEmaCopyStartsTheAverageAtTheWeight()
    {
        using var device = Device.Cpu();
        string path = SavedToy(device);
        Rewrite(path, ts => ts.Where(t => !t.Name.StartsWith("ema.", StringComparison.Ordinal)), _ => { });
        using var run = ToyDiffusion.Load(device, path);
        var named = run.Model.NamedParameters().ToArray();
        for (int i = 0; i < named.Length; i++) Assert.Equal(named[i].Tensor.ToArray(), run.Ema!.Shadow[i].ToArray());
    }

    [Fact]
    public void CheckpointOfAnotherFamilyIsRefusedByName()
    {
        using var device = Device.Cpu();
        string path = SavedToy(device);
        var e = Assert.Throws<InvalidDataException>(() => Gan.Load(device, path));
        Assert.Equal($"checkpoint {path}: holds a 'ddpm-2d' model, expected 'gan'", e.Message);
    }

    [Fact]
    public void BadCounterIsNamed()
    {
        using var device = Device.Cpu();
        string path = SavedToy(device);
        Rewrite(path, ts => ts, meta => meta["gpugen.ema.updates"] = "many");
        var e = Assert.Throws<InvalidDataException>(() => ToyDiffusion.Load(device, path));
        Assert.Equal($"checkpoint {path}: metadata 'gpugen.ema.updates' is 'many', not a count", e.Message);
    }

    [Fact]
    public void OptimizerOverATensorOutsideTheModelIsRefused()
    {
        using var device = Device.Cpu();
        using var run = ToyDiffusion.Create(device, new ToyDiffusionConfig(Hidden: 8, HiddenLayers: 1, Batch: 16));
        using var other = ToyDiffusion.Create(device, new ToyDiffusionConfig(Hidden: 8, HiddenLayers: 1, Batch: 16));
        using var adam = new Adam(other.Model.Parameters());
        Assert.Contains("not a parameter of the model", Assert.Throws<ArgumentException>(() => new StateDict(run.Model).WithOptimizer(adam)).Message);
        Assert.Equal(run.Model.Parameters().Count() * 3, new StateDict(run.Model).WithOptimizer(run.Optimizer).Entries.Count);
    }
}
