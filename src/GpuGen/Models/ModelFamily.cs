using GpuGen.Tensors;

namespace GpuGen.Models;

/// <summary>One entry of <see cref="ModelFamilies"/>: the family names its checkpoints carry, and how to load one.</summary>
public sealed record ModelFamily(IReadOnlyList<string> Names, Func<string, Device, GenerativeModel> Load);
