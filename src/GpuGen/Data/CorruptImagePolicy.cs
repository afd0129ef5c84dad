namespace GpuGen.Data;

/// <summary>What a folder loader does with a file that does not decode.</summary>
public enum CorruptImagePolicy
{
    /// <summary>Throw, naming the file and the decoder's reason.</summary>
    Stop,

    /// <summary>Leave the file out and record it in <see cref="Dataset.Skipped"/>.</summary>
    Skip,
}
