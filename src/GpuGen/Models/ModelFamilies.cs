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
/// Every model family, by the names its checkpoints carry: the one list that `gpugen train`, `sample`,
/// `eval` and `view` (and <see cref="GenerativeModel.Load"/>) dispatch through. Adding a family is its
/// folder plus one line here.
/// </summary>
public static class ModelFamilies
{
    public static IReadOnlyList<ModelFamily> All { get; } =
    [
        new([ToyDiffusion.Family, ImageDiffusion.Family], (path, device) => Checkpoint.ReadFamily(path) == ToyDiffusion.Family
            ? new ToyDiffusionModel(device, path) : new ImageDiffusionModel(device, path)) { Training = [DiffusionRecipe.Ddpm] },
        new([ImageClassifier.Family], (path, device) => new ClassifierModel(device, path)) { Training = [ClassifierRecipe.Recipe] },
        new(["vae", "cvae"], (path, device) => new VaeModel(device, path)) { Training = [VaeRecipe.Unconditional, VaeRecipe.Conditional] },
        new([FlowConfig.Nice, FlowConfig.RealNvp], (path, device) => new FlowModel(device, path)) { Training = [FlowRecipe.Nice, FlowRecipe.RealNvp] },
        new([Gan.Gan.Family], (path, device) => new GanModel(device, path)) { Training = [GanRecipe.Unconditional, GanRecipe.Conditional] },
        new([PixelCnn.PixelCnn.Family], (path, device) => new PixelCnnModel(device, path)) { Training = [PixelCnnRecipe.Recipe] },
    ];

    /// <summary>Every training recipe, in the registry's order: the sub-commands of `gpugen train`.</summary>
    public static IEnumerable<TrainingRecipe> Recipes => All.SelectMany(f => f.Training);

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
