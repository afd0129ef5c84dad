namespace GpuGen.IO;

/// <summary>An array read from a .npy file: its shape and either float32 or int32 data.</summary>
public sealed class NpyArray
{
    internal NpyArray(int[] shape, float[]? float32, int[]? int32)
    {
        Shape = shape;
        Float32 = float32;
        Int32 = int32;
    }

    /// <summary>Dimensions, outermost first (C order); empty for a 0-d array.</summary>
    public int[] Shape { get; }

    /// <summary>The data when the file's dtype is '&lt;f4', otherwise null.</summary>
    public float[]? Float32 { get; }

    /// <summary>The data when the file's dtype is '&lt;i4', otherwise null.</summary>
    public int[]? Int32 { get; }

    /// <summary>The NumPy descr of the data: "&lt;f4" or "&lt;i4".</summary>
    public string Descr => Float32 is not null ? "<f4" : "<i4";
}
