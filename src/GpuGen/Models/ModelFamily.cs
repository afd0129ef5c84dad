using GpuGen.Tensors;
using GpuGen.Training;

namespace GpuGen.Models;

/// <summary>
/// One entry of <see cref="ModelFamilies"/>: the family names its checkpoints carry, how to load one,
/// and how to train one from scratch (its `gpugen train` sub-commands).
/// </summary>
public sealed record ModelFamily(IReadOnlyList<string> Names, Func<string, Device, GenerativeModel> Load)
{
    /// <summary>The recipes that train this family from the command line (or from an embedding program), one sub-command each.</summary>
    public IReadOnlyList<TrainingRecipe> Training { get; init; } = [];
}
