namespace GpuGen.IO;

/// <summary>Element types GpuGen reads and writes in safetensors files (the format's "dtype" names).</summary>
public enum SafeTensorDType
{
    /// <summary>32-bit IEEE float, little-endian.</summary>
    F32,

    /// <summary>32-bit signed integer, little-endian.</summary>
    I32,

    /// <summary>
    /// IEEE 754 binary16, little-endian: 11 significant bits (relative error ≤ 2⁻¹¹ ≈ 4.9e-4 for
    /// normal values), finite up to 65504. Written from and read back into float32 data.
    /// </summary>
    F16,
}
