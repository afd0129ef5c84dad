namespace GpuGen.Backends.Cpu;

// Argument checks shared by the themed kernel files. A CPU kernel writes through raw pointers, so a
// buffer shorter than the kernel's sizes would corrupt the heap: every kernel checks first.
public sealed unsafe partial class CpuKernels
{
    /// <summary>The float pointer of a buffer that must hold at least <paramref name="need"/> elements.</summary>
    private static float* F(DeviceBuffer buffer, long need, string name)
    {
        Check(buffer, need, name);
        return P(buffer);
    }

    /// <summary>The int pointer of a buffer that must hold at least <paramref name="need"/> elements.</summary>
    private static int* I(DeviceBuffer buffer, long need, string name)
    {
        Check(buffer, need, name);
        return ((CpuBuffer)buffer).IntPointer;
    }

    private static void Check(DeviceBuffer buffer, long need, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer.Length < need)
            throw new ArgumentException($"buffer '{name}' holds {buffer.Length} elements; the kernel needs {need}", name);
    }

    private static void NonNegative(long value, string name) => ArgumentOutOfRangeException.ThrowIfNegative(value, name);
}
