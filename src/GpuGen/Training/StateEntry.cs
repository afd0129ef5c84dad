using GpuGen.Tensors;

namespace GpuGen.Training;

/// <summary>
/// One tensor of a run's state under its checkpoint name. <paramref name="Weight"/> is the name of the
/// weight an EMA copy or Adam moment belongs to (the entry's own name for weights and buffers).
/// </summary>
public readonly record struct StateEntry(string Name, Tensor Tensor, StateKind Kind, string Weight);
