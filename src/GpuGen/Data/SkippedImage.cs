namespace GpuGen.Data;

/// <summary>A file that a folder loader left out under <see cref="CorruptImagePolicy.Skip"/>, and why.</summary>
public readonly record struct SkippedImage(string Path, string Reason);
