namespace GpuGen.IO;

/// <summary>Element types GpuGen reads and writes in safetensors files (the format's "dtype" names).</summary>
public enum SafeTensorDType
{
    /// <summary>32-bit IEEE float, little-endian.</summary>
    F32,

    /// <summary>32-bit signed integer, little-endian.</summary>
    I32,
}
