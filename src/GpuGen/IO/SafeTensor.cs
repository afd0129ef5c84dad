namespace GpuGen.IO;

/// <summary>One named tensor of a safetensors file: dtype, shape (outermost first) and host data.</summary>
public sealed class SafeTensor
{
    SafeTensor(string name, SafeTensorDType dtype, int[] shape, float[]? f32, int[]? i32)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"tensor '{name}': shape {FormatShape(shape)} has a negative dimension", nameof(shape));
            count *= d;
        }
        int length = f32?.Length ?? i32!.Length;
        if (count != length)
            throw new ArgumentException($"tensor '{name}': shape {FormatShape(shape)} has {count} elements but the data has {length}", nameof(shape));
        Name = name;
        DType = dtype;
        Shape = shape;
        _f32 = f32;
        _i32 = i32;
    }

    readonly float[]? _f32;
    readonly int[]? _i32;

    public string Name { get; }
    public SafeTensorDType DType { get; }
    public int[] Shape { get; }

    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public int Count => _f32?.Length ?? _i32!.Length;

    /// <summary>A float32 ("F32") tensor over <paramref name="data"/> (not copied).</summary>
    public static SafeTensor Float32(string name, float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new SafeTensor(name, SafeTensorDType.F32, shape, data, null);
    }

    /// <summary>
    /// A tensor stored as float16 ("F16"): <paramref name="data"/> (not copied) is rounded to the
    /// nearest half when written; reading a file gives float32 data back (see <see cref="SafeTensors.Read"/>).
    /// </summary>
    public static SafeTensor Float16(string name, float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new SafeTensor(name, SafeTensorDType.F16, shape, data, null);
    }

    /// <summary>An int32 ("I32") tensor over <paramref name="data"/> (not copied).</summary>
    public static SafeTensor Int32(string name, int[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new SafeTensor(name, SafeTensorDType.I32, shape, null, data);
    }

    /// <summary>Bytes per element in a file: 2 for F16, 4 for F32 and I32.</summary>
    public int ElementBytes => DType == SafeTensorDType.F16 ? 2 : 4;

    /// <summary>The float data (F32, or F16 before rounding); throws if this tensor is I32.</summary>
    public float[] AsFloat32() =>
        _f32 ?? throw new InvalidOperationException($"tensor '{Name}' is {DType}, not F32");

    /// <summary>The int32 data; throws if this tensor is not I32.</summary>
    public int[] AsInt32() =>
        _i32 ?? throw new InvalidOperationException($"tensor '{Name}' is {DType}, not I32");

    internal static string FormatShape(IReadOnlyList<long> shape) => "[" + string.Join(",", shape) + "]";
    internal static string FormatShape(int[] shape) => "[" + string.Join(",", shape) + "]";

    public override string ToString() => $"{Name}: {DType}{FormatShape(Shape)}";
}
