namespace GpuGen.Training;

/// <summary>What a <see cref="StateEntry"/> holds, which decides how a checkpoint without it is read.</summary>
public enum StateKind
{
    /// <summary>A trained parameter: every checkpoint has it.</summary>
    Weight,

    /// <summary>Saved but not trained state (BatchNorm's running statistics): an older file without it keeps the current value.</summary>
    Buffer,

    /// <summary>The EMA's copy of a weight: a file without it (an export) starts the average at the weight.</summary>
    Average,

    /// <summary>An Adam moment: an exported weights-only file has none, and the moments start at zero.</summary>
    Moment,
}
