using GpuGen.Models.Classifier;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Flows;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;
using GpuGen.Models.Vae;
using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models;

/// <summary>
/// Every model family, by the names its checkpoints carry: the one list that `gpugen sample` and
/// `gpugen eval` (and <see cref="GenerativeModel.Load"/>) dispatch through. Adding a family is its
/// folder plus one line here.
/// </summary>
public static class ModelFamilies
{
    public static IReadOnlyList<ModelFamily> All { get; } =
    [
        new([ToyDiffusion.Family], (path, device) => new ToyDiffusionModel(device, path)),
        new([ImageDiffusion.Family], (path, device) => new ImageDiffusionModel(device, path)),
        new(["vae", "cvae"], (path, device) => new VaeModel(device, path)),
        new([FlowConfig.Nice, FlowConfig.RealNvp], (path, device) => new FlowModel(device, path)),
        new([Gan.Gan.Family], (path, device) => new GanModel(device, path)),
        new([PixelCnn.PixelCnn.Family], (path, device) => new PixelCnnModel(device, path)),
        new([ImageClassifier.Family], (path, device) => new ClassifierModel(device, path)),
    ];

    /// <summary>Every family name, in the registry's order.</summary>
    public static IEnumerable<string> Names => All.SelectMany(f => f.Names);

    /// <summary>The family of the checkpoint at <paramref name="path"/>, loaded onto <paramref name="device"/>.</summary>
    public static GenerativeModel Load(string path, Device device)
    {
        string name = Checkpoint.ReadFamily(path);
        var family = All.FirstOrDefault(f => f.Names.Contains(name))
            ?? throw new InvalidDataException($"checkpoint {path} holds a '{name}' model, which is not a known family (known: {string.Join(", ", Names)})");
        return family.Load(path, device);
    }
}
