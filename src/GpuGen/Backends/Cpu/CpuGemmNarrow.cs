namespace GpuGen.Backends.Cpu;

internal static unsafe partial class CpuGemm
{
    private const int NarrowMaxN = 0;

    private static void RunNarrow(in View v) => RunBlocked(v);
}
