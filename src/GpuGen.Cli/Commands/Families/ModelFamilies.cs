using System.CommandLine;
using GpuGen.Models.Classifier;
using GpuGen.Models.Diffusion;
using GpuGen.Models.Gan;
using GpuGen.Models.PixelCnn;

namespace GpuGen.Cli.Commands.Families;

/// <summary>How `gpugen sample` and `gpugen eval` handle one model family.</summary>
internal sealed record ModelFamily(
    string Name,
    Func<ParseResult, SampleOptions, int> Sample,
    Func<ParseResult, EvalOptions, int>? Eval);

/// <summary>Every model family the command line knows, by the name its checkpoints carry.</summary>
internal static class ModelFamilies
{
    private static readonly ModelFamily[] All =
    [
        new(ToyDiffusion.Family, ToyDiffusionFamily.Sample, ToyDiffusionFamily.Eval),
        new(ImageClassifier.Family, ClassifierFamily.Sample, ClassifierFamily.Eval),
        new(ImageDiffusion.Family, ImageDiffusionFamily.Sample, ImageDiffusionFamily.Eval),
        new(Gan.Family, GanFamily.Sample, GanFamily.Eval),
        new(PixelCnn.Family, PixelCnnFamily.Sample, PixelCnnFamily.Eval),
        .. LatentFamilies.All,
    ];

    public static ModelFamily Find(string name, string path, string verb)
    {
        var family = All.FirstOrDefault(f => f.Name == name)
            ?? throw new CliError($"checkpoint {path} holds a '{name}' model, which gpugen {verb} does not know (known: {string.Join(", ", All.Select(f => f.Name))})");
        if (verb == "eval" && family.Eval is null) throw new CliError($"checkpoint {path}: gpugen eval has no metrics for '{name}' models yet");
        return family;
    }
}
