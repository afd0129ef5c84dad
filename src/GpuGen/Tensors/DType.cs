namespace GpuGen.Tensors;

/// <summary>Element type of a tensor. Both are 4 bytes, so any buffer can hold either.</summary>
public enum DType
{
    Float32,
    Int32,
}
