namespace GpuGen.Random;

/// <summary>Philox4x32-10 placeholder (the kernels helper replaces this file).</summary>
public static class Philox
{
}
