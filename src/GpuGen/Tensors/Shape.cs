namespace GpuGen.Tensors;

/// <summary>Helpers over shapes, which are plain int arrays (row-major, contiguous).</summary>
public static class Shape
{
    public static long Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape {Format(shape)}");
            n = checked(n * d);
        }
        return n;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
